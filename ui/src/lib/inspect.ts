// Start a lane's quarterly inspection (the shipped template of kind "quarterly") and open it.
import { call } from './api';
import { go } from './nav.svelte';
import type { InspectionHeader } from './types';

export async function startQuarterly(laneId: string) {
  const templates = await call<{ id: string; kind: string }[]>('inspection_templates');
  const tpl = templates.find((x) => x.kind === 'quarterly') ?? templates[0];
  const h = await call<InspectionHeader>('inspection_start', { laneId, templateId: tpl.id });
  go({ name: 'inspection', id: h.id });
}
