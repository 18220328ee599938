// Which screen is showing. A tiny stack router: no URL, no library, the back button pops.

export type Route =
  | { name: 'today' }
  | { name: 'sites'; laneId?: string }
  | { name: 'device'; id: string }
  | { name: 'workorder'; id: string }
  | { name: 'inspection'; id: string }
  | { name: 'signature'; id: string }
  | { name: 'report'; id: string }
  | { name: 'stock' }
  | { name: 'sync' };

export const nav = $state<{ route: Route; stack: Route[] }>({ route: { name: 'today' }, stack: [] });

/** Open a screen on top of the current one. */
export function go(route: Route) {
  nav.stack.push(nav.route);
  nav.route = route;
}

/** Jump to a top-level screen (the side bar): forget the stack. */
export function top(route: Route) {
  nav.stack = [];
  nav.route = route;
}

export function back() {
  const prev = nav.stack.pop();
  nav.route = prev ?? { name: 'today' };
}
