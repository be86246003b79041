/**
 * Header lookup in raw [lower-case name, value, …] pairs, the form the
 * proxy's request pipeline carries fields in: every value of one field,
 * joined as Node's IncomingMessage joins repeats. Used by routeRequest
 * (canary-by-header, affinity cookies) and the proxy.
 */

/** Every value of one field (lower-case name) in raw pairs, joined as Node joins repeats; undefined when absent. */
export function rawHeader(raw: readonly string[], name: string): string | undefined {
  let out: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2)
    if (raw[i] === name) {
      const v = raw[i + 1] as string;
      out = out === undefined ? v : `${out}${name === "cookie" ? "; " : ", "}${v}`;
    }
  return out;
}
