// Labels of the core's code enums (state, kind, device type…), fetched once from the core so
// the UI never keeps its own copy of a domain vocabulary.
import { call } from './api';
import { ui, cap } from './i18n.svelte';

export interface Label { code: string; zh: string; en: string }
export type Labels = Record<string, Record<string, Label>>;

const store = $state<{ labels: Labels }>({ labels: {} });

/** The desktop fetches them through its shell. */
export async function loadLabels() {
  store.labels = await call<Labels>('labels');
}

/** The office web app fetches the same map over HTTP (`/api/v1/labels`) and hands it here. */
export function setLabels(labels: Labels) {
  store.labels = labels;
}

/** The label of `code` in enum `group` (e.g. `label('work_order_state', 'on_site')`). */
export function label(group: string, code: string | null | undefined): string {
  if (!code) return '';
  const l = store.labels[group]?.[code];
  if (!l) return code;
  return ui.lang === 'en' ? cap(l.en) : l.zh;
}

export function options(group: string): Label[] {
  return Object.values(store.labels[group] ?? {});
}
