// Who is logged in, and the areas the server lets them open (the login answer's `areas`).
import { get, post, setCsrf, whenLoggedOut } from './http';
import { setLabels, type Labels } from '../lib/labels.svelte';

export interface Staff { id: string; name: string; role: string }
export interface LoginAnswer { staff: Staff; csrf: string; expires_at: string; areas: string[]; role_label: [string, string] }

export const session = $state<{ me: LoginAnswer | null; checked: boolean }>({ me: null, checked: false });

whenLoggedOut(() => {
  session.me = null;
});

async function begin(me: LoginAnswer) {
  setCsrf(me.csrf);
  setLabels(await get<Labels>('/api/v1/labels'));
  session.me = me;
}

/** On load: an existing session (the cookie survives a reload), else the login form. */
export async function resume() {
  try {
    await begin(await get<LoginAnswer>('/api/v1/me'));
  } catch {
    session.me = null;
  } finally {
    session.checked = true;
  }
}

export async function login(name: string, password: string) {
  await begin(await post<LoginAnswer>('/api/v1/login', { name, password }));
}

export async function logout() {
  try {
    await post('/api/v1/logout');
  } finally {
    session.me = null;
  }
}
