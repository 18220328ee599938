// The office web app's only door to the server: JSON over fetch with the session cookie, the
// CSRF token on every change, and the server's errors as the core's {kind, message,
// message_en, field} (the same AppError the desktop shows with the same ErrorBox).
import { asAppError, type AppError } from '../lib/api';

let csrf = '';

/** Remember the CSRF token a login or `/api/v1/me` answered. */
export function setCsrf(token: string) {
  csrf = token;
}

/** Called when the server says the session is gone (401), so the shell shows the login. */
let onLoggedOut: () => void = () => {};
export function whenLoggedOut(f: () => void) {
  onLoggedOut = f;
}

async function errorOf(res: Response): Promise<AppError> {
  try {
    const body = await res.json();
    return asAppError(body);
  } catch {
    const text = `HTTP ${res.status}`;
    return { kind: 'http', message: `服务器返回 ${res.status}`, message_en: text, field: null };
  }
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw {
      kind: 'offline',
      message: '连不上办公室服务器，请检查网络后重试',
      message_en: 'cannot reach the office server; check the network and try again',
      field: null,
    } satisfies AppError;
  }
  if (!res.ok) {
    const err = await errorOf(res);
    if (res.status === 401 && !path.endsWith('/login')) onLoggedOut();
    throw err;
  }
  return res;
}

export async function get<T>(path: string): Promise<T> {
  return (await send('GET', path)).json();
}

/** A polled resource: the answer and its tag, or `null` when the server says it has not
 *  changed since `tag` (304), so a big board is neither sent nor parsed again. */
export async function getIfChanged<T>(path: string, tag: string | null): Promise<{ value: T; tag: string | null } | null> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', cache: 'no-store', headers: tag ? { 'if-none-match': tag } : {} });
  } catch {
    throw { kind: 'offline', message: '连不上办公室服务器', message_en: 'cannot reach the office server', field: null } satisfies AppError;
  }
  if (res.status === 304) return null;
  if (!res.ok) {
    const err = await errorOf(res);
    if (res.status === 401) onLoggedOut();
    throw err;
  }
  return { value: (await res.json()) as T, tag: res.headers.get('etag') };
}

export async function post<T>(path: string, body: unknown = {}): Promise<T> {
  return (await send('POST', path, body)).json();
}

/** Bytes (a signed PDF, a photo) for a preview. */
export async function bytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await (await send('GET', path)).arrayBuffer());
}

/** A query string from the values that are set. */
export function qs(params: Record<string, string | number | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

