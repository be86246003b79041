/**
 * Gateway API hostnames: a listener's hostname and a route's hostnames
 * intersect as the spec says. A wildcard `*.example.com` stands for one or
 * more leading labels (it matches `a.example.com` and `a.b.example.com`,
 * never `example.com`); no listener hostname, or no route hostnames, means
 * any. The port of a Host header is not part of the hostname.
 */

export function isWildcard(h: string): boolean {
  return h.startsWith("*.");
}

/** Whether a concrete host matches a (possibly wildcard) pattern. */
export function hostMatches(pattern: string, host: string): boolean {
  if (!isWildcard(pattern)) return pattern === host;
  const suffix = pattern.slice(1); // ".example.com"
  return host.length > suffix.length && host.endsWith(suffix);
}

/** The more specific of two hostnames when one contains the other, else undefined. */
function intersectOne(listener: string, route: string): string | undefined {
  if (listener === route) return route;
  const lw = isWildcard(listener);
  const rw = isWildcard(route);
  if (!lw && !rw) return undefined;
  if (lw && !rw) return hostMatches(listener, route) ? route : undefined;
  if (!lw && rw) return hostMatches(route, listener) ? listener : undefined;
  // Both wildcards: the longer suffix is contained in the shorter one.
  const ls = listener.slice(1);
  const rs = route.slice(1);
  if (rs.endsWith(ls)) return route;
  if (ls.endsWith(rs)) return listener;
  return undefined;
}

/**
 * The hostnames a route serves on a listener: `undefined` means any host
 * (neither side restricts it); an empty list means they never intersect.
 */
export function intersectHostnames(
  listenerHostname: string | undefined,
  routeHostnames: readonly string[] | undefined,
): string[] | undefined {
  const route = routeHostnames && routeHostnames.length > 0 ? routeHostnames : undefined;
  if (listenerHostname === undefined || listenerHostname === "")
    return route ? [...new Set(route)] : undefined;
  if (!route) return [listenerHostname];
  const out = new Set<string>();
  for (const h of route) {
    const i = intersectOne(listenerHostname, h);
    if (i !== undefined) out.add(i);
  }
  return [...out];
}

/** The Host header's hostname: port removed, lower-cased, a trailing dot dropped. */
export function requestHostname(hostHeader: string): string {
  let h = hostHeader.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end > 0 ? h.slice(0, end + 1) : h;
  }
  const colon = h.lastIndexOf(":");
  if (colon >= 0 && h.indexOf(":") === colon) h = h.slice(0, colon);
  return h.endsWith(".") ? h.slice(0, -1) : h;
}
