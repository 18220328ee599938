// Which screen is showing. A tiny stack router: no URL, no library, the back button pops.

export type Route =
  | { name: 'today' }
  | { name: 'sites'; laneId?: string }
  | { name: 'device'; id: string }
  | { name: 'workorder'; id: string }
  | { name: 'inspection'; id: string }
  | { name: 'signature'; id: string }
  | { name: 'report'; id: string }
  | { name: 'reports'; deviceId?: string; deviceCode?: string }
  | { name: 'stock' }
  | { name: 'sync' }
  | { name: 'inventory' }
  | { name: 'profile' }
  | { name: 'stats' };

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

/** Show another screen in place of the current one (back then skips it): the signature pad
 *  gives way to its report, and back from the report returns to the work order. */
export function replace(route: Route) {
  nav.route = route;
}

export function back() {
  const prev = nav.stack.pop();
  nav.route = prev ?? { name: 'today' };
}
