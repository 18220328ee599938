// The sync status shared by the indicator, the Sync screen and enrolment: the core's panel
// (`sync_status`), refreshed on every progress event from the sync worker, on screen changes
// and every half minute (so "待推送 N" follows local edits).
import { listen } from '@tauri-apps/api/event';
import { call, asAppError, type AppError } from './api';
import type { SyncNow, SyncPanel, SyncProgress } from './types';

export const sync = $state<{ panel: SyncPanel | null; progress: SyncProgress | null; running: boolean; error: AppError | null }>({
  panel: null,
  progress: null,
  running: false,
  error: null,
});

let watching = false;

/** Listen to the worker's progress and keep the panel fresh (once per app start). */
export async function watchSync() {
  if (watching) return;
  watching = true;
  await listen<SyncProgress>('sync-progress', (e) => {
    const p = e.payload;
    sync.progress = p;
    if (p.phase === 'started' || p.phase === 'step') {
      sync.running = true;
    } else {
      sync.running = false;
      void refreshSync();
    }
  });
  await refreshSync();
  setInterval(() => void refreshSync(), 30000);
}

export async function refreshSync() {
  try {
    const p = await call<SyncPanel>('sync_status');
    sync.panel = p;
    sync.running = p.running;
    sync.error = null;
  } catch (e) {
    sync.error = asAppError(e);
  }
}

/** "Sync now": resolves when the sync is done (or at once when one is already running). */
export async function syncNow(): Promise<SyncNow> {
  sync.running = true;
  try {
    return await call<SyncNow>('sync_now');
  } finally {
    await refreshSync();
  }
}
