// The only door to the core: typed wrappers over the shell's commands.
// Errors arrive exactly as the core serialised them: {kind, message, message_en, field}.
import { invoke } from '@tauri-apps/api/core';

export interface AppError {
  kind: string;
  message: string;
  message_en: string;
  field: string | null;
}

export function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e;
}

/** Wrap anything thrown (a core error, or a bridge failure) as an AppError. */
export function asAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  const text = e instanceof Error ? e.message : String(e);
  return { kind: 'ui', message: text, message_en: text, field: null };
}

/** Call a command; rejects with an AppError. */
export async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw asAppError(e);
  }
}
