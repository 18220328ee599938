// Start an inspection of a lane and open it: by the template's code (the lane's choice on the
// Sites screen), or the one a due row on Today asks for (the core picks the template of that
// kind). Either way the core decides; an unknown or retired code comes back as its error.
import { call } from './api';
import { go } from './nav.svelte';
import type { InspectionHeader } from './types';

export async function startTemplate(laneId: string, template: string) {
  const h = await call<InspectionHeader>('inspection_start', { laneId, template });
  go({ name: 'inspection', id: h.id });
}

export async function startDue(laneId: string, kind: string) {
  const h = await call<InspectionHeader>('inspection_start_due', { laneId, kind });
  go({ name: 'inspection', id: h.id });
}
