// Start a lane's due quarterly inspection (the core picks the template) and open it.
import { call } from './api';
import { go } from './nav.svelte';
import type { InspectionHeader } from './types';

export async function startQuarterly(laneId: string) {
  const h = await call<InspectionHeader>('inspection_start_due', { laneId });
  go({ name: 'inspection', id: h.id });
}
