/**
 * Colour for people, plain text for pipes: verdicts (ALLOWED green, DENIED
 * red) and error prefixes are coloured only when the stream is a terminal,
 * and never with NO_COLOR set (https://no-color.org); FORCE_COLOR forces it.
 */
import pc from "picocolors";

type Stream = { isTTY?: boolean };

function enabled(stream: Stream): boolean {
  const env = process.env;
  if ("NO_COLOR" in env && env.NO_COLOR !== "") return false;
  if ("FORCE_COLOR" in env && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

export interface Painter {
  ok(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
}

/** Colours for text written to `stream` (default stdout). */
export function painter(stream: Stream = process.stdout): Painter {
  const c = pc.createColors(enabled(stream));
  return { ok: c.green, bad: c.red, warn: c.yellow, dim: c.dim };
}

/** Colours the verdict words of a table or explanation (ALLOWED, DENIED, REFUSED, X, ✓). */
export function paintVerdicts(text: string, p: Painter = painter()): string {
  return text.replace(/\b(ALLOWED|allowed|DENIED|denied|REFUSED|refused)\b/g, (w) =>
    /^allowed$/i.test(w) ? p.ok(w) : /^refused$/i.test(w) ? p.warn(w) : p.bad(w),
  );
}
