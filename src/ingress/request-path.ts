/**
 * Request-target handling as nginx does it before location matching: split
 * path and query, percent-decode, merge repeated slashes, resolve "." and ".."
 * segments. A target nginx would refuse (not absolute, bad escape, NUL, ".."
 * above the root) yields undefined → 400.
 */

export interface SplitTarget {
  /** Path as the client sent it (still encoded). */
  rawPath: string;
  /** Query without "?" ("" when absent), and whether a "?" was present. */
  query: string;
  hasQuery: boolean;
  /** Decoded, normalized path used for matching. */
  path: string;
}

export function splitTarget(target: string): SplitTarget | undefined {
  let t = target;
  // Absolute-form (proxy requests): keep only path and query.
  if (!t.startsWith("/")) {
    const m = /^https?:\/\/[^/?#]*/i.exec(t);
    if (!m) return undefined;
    t = t.slice(m[0].length) || "/";
    if (!t.startsWith("/")) t = `/${t}`;
  }
  const hash = t.indexOf("#");
  if (hash >= 0) t = t.slice(0, hash);
  const q = t.indexOf("?");
  const rawPath = q >= 0 ? t.slice(0, q) : t;
  const query = q >= 0 ? t.slice(q + 1) : "";
  const path = normalizePath(rawPath);
  if (path === undefined) return undefined;
  return { rawPath, query, hasQuery: q >= 0, path };
}

export function normalizePath(rawPath: string): string | undefined {
  let decoded = rawPath;
  if (rawPath.includes("%")) {
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      return undefined;
    }
  }
  if (decoded.includes("\0")) return undefined;
  if (!decoded.includes("//") && !decoded.includes("/.")) return decoded;
  const out: string[] = [];
  const segs = decoded.split("/");
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i] as string;
    const last = i === segs.length - 1;
    if (s === "" && !last) continue; // merge_slashes
    if (s === ".") {
      if (last) out.push("");
      continue;
    }
    if (s === "..") {
      if (out.length === 0) return undefined;
      out.pop();
      if (last) out.push("");
      continue;
    }
    out.push(s);
  }
  return `/${out.join("/")}`;
}
