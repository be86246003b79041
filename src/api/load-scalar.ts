/**
 * How Kubernetes reads a plain (unquoted) YAML scalar.
 *
 * kubectl turns YAML into JSON with sigs.k8s.io/yaml, which decodes with
 * go-yaml v2: YAML 1.1 booleans (y/yes/on/off…), 0-prefixed octal integers,
 * 0b binary, `_` digit separators. These rules are reimplemented here, with a
 * first-character table so the common case (a word) costs one lookup — the
 * yaml package's 1.1 schema is three times slower than its 1.2 core schema.
 * The same plain text read as YAML 1.2 core is computed too, so the loader can
 * record where the two disagree (`SourceRef.yaml11`) and validation can say why.
 */

const BOOL = new Map<string, boolean>([
  ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].map((s) => [s, true] as const),
  ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].map(
    (s) => [s, false] as const,
  ),
]);
const NULL = new Set(["", "~", "null", "Null", "NULL"]);
const SPECIAL_FLOAT = new Map<string, number>([
  ...[".nan", ".NaN", ".NAN"].map((s) => [s, Number.NaN] as const),
  ...[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].map((s) => [s, Number.POSITIVE_INFINITY] as const),
  ...["-.inf", "-.Inf", "-.INF"].map((s) => [s, Number.NEGATIVE_INFINITY] as const),
]);

/** go-yaml v2's hint table: which first characters may start a non-string. */
const HINT = new Uint8Array(128);
for (const c of "+-") HINT[c.charCodeAt(0)] = 1; // sign
for (const c of "0123456789") HINT[c.charCodeAt(0)] = 1; // digit
for (const c of "yYnNtTfFoO~") HINT[c.charCodeAt(0)] = 2; // maybe in the map
HINT[".".charCodeAt(0)] = 3; // float

// go-yaml v2.4's float syntax (applied after removing `_`).
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_FLOAT = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** Go's strconv.ParseInt/ParseUint with base 0 (sign, 0x/0o/0b/0 prefixes). Undefined when invalid. */
function goParseInt(s: string): number | undefined {
  // Fast path: a plain decimal without sign or leading zero that fits a double exactly.
  const n = s.length;
  if (n > 0 && n < 16 && s.charCodeAt(0) > 48 && s.charCodeAt(0) <= 57) {
    let i = 1;
    while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === n) return Number(s);
  }
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const negative = m[1] === "-";
  const body = m[2] ?? "";
  const p = body.charAt(1).toLowerCase();
  const prefixed = body.length > 1 && body[0] === "0";
  // BigInt for the range check: Go fails beyond uint64, and negatives beyond int64.
  const big = prefixed
    ? BigInt(p === "x" || p === "o" || p === "b" ? `0${p}${body.slice(2)}` : `0o${body.slice(1)}`)
    : BigInt(body);
  if (big > MAX_UINT64 || (negative && big > MIN_INT64_MAGNITUDE)) return undefined;
  const v = Number(big);
  return negative ? -v || 0 : v;
}

const MAX_UINT64 = 2n ** 64n - 1n;
const MIN_INT64_MAGNITUDE = 2n ** 63n;

/** go-yaml v2 timestamp prefix check: YYYY- then a format time.Parse accepts. Timestamps stay strings in JSON. */
function looksLikeTimestamp(s: string): boolean {
  return /^\d{4}-\d{1,2}-\d{1,2}([Tt ]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[-+]\d{2}:\d{2})?)?$/.test(s);
}

/** The JSON value kubectl sends for a plain scalar (go-yaml v2 + sigs.k8s.io/yaml). */
export function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  const hint = s === "" ? 2 : c < 128 ? HINT[c] : 0;
  if (!hint) return s;
  if (hint === 2) {
    // The words of the bool and null tables have at most 5 characters.
    if (s.length > 5) return s;
    const b = BOOL.get(s);
    if (b !== undefined) return b;
    if (NULL.has(s)) return null;
    return s;
  }
  const sf = SPECIAL_FLOAT.get(s);
  if (sf !== undefined) return sf;
  if (hint === 3) {
    // strconv.ParseFloat on the raw text (no `_` removal on this branch).
    return GO_FLOAT.test(s) ? Number(s) : s;
  }
  if (looksLikeTimestamp(s)) return s;
  const plain = s.includes("_") ? s.replaceAll("_", "") : s;
  const i = goParseInt(plain);
  if (i !== undefined) return i;
  if (YAML_FLOAT.test(plain)) return Number(plain);
  if (/^-0b[01]+$/.test(plain)) return -Number.parseInt(plain.slice(3), 2);
  return s;
}

/** The same plain text under YAML 1.2's core schema (what the `yaml` package and most editors show). */
export function resolvePlainCore12(s: string): unknown {
  if (NULL.has(s)) return null;
  if (s === "true" || s === "True" || s === "TRUE") return true;
  if (s === "false" || s === "False" || s === "FALSE") return false;
  if (/^[-+]?[0-9]+$/.test(s)) return Number.parseInt(s, 10);
  if (/^0o[0-7]+$/.test(s)) return Number.parseInt(s.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return Number.parseInt(s.slice(2), 16);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
  const sf = SPECIAL_FLOAT.get(s);
  if (sf !== undefined) return sf;
  return s;
}

/**
 * Whether a plain scalar's Kubernetes reading deserves an explanation: a
 * boolean not spelled `true`/`false` (yes, on, True…) or a number YAML 1.2
 * would read differently (0755 octal, 0b101, 1_000).
 */
export function isYaml11Surprise(source: string, value: unknown): boolean {
  if (typeof value === "boolean") return source !== "true" && source !== "false";
  if (typeof value === "number") {
    const core = resolvePlainCore12(source);
    return !(typeof core === "number" && (core === value || (Number.isNaN(core) && Number.isNaN(value))));
  }
  return false;
}

/** Go's strconv.FormatFloat(f, 'g', -1, 32), which sigs.k8s.io/yaml uses for float map keys. */
function formatFloat32(f: number): string {
  if (f === Number.POSITIVE_INFINITY) return ".inf";
  if (f === Number.NEGATIVE_INFINITY) return "-.inf";
  if (Number.isNaN(f)) return ".nan";
  const g = Math.fround(f);
  // Shortest decimal that round-trips through float32.
  for (let p = 1; p <= 9; p++) {
    const s = g.toPrecision(p);
    if (Math.fround(Number(s)) === g) return goStyleG(Number(s), p);
  }
  return String(g);
}

function goStyleG(v: number, digits: number): string {
  const exp = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= Math.max(digits, 21)) {
    const [mant, e] = v.toExponential(digits - 1).split("e");
    const en = Number(e);
    return `${mant}e${en < 0 ? "-" : "+"}${String(Math.abs(en)).padStart(2, "0")}`;
  }
  return String(v);
}

/**
 * The JSON object key for a plain map key: sigs.k8s.io/yaml stringifies
 * go-yaml's bool/int/float keys (`on:` → "true"); a null key is an error.
 */
export function plainKey(source: string): { key: string } | { error: string } {
  const v = resolvePlain(source);
  if (typeof v === "string") return { key: v };
  if (typeof v === "boolean") return { key: v ? "true" : "false" };
  if (v === null)
    return { error: `unsupported map key: the unquoted ${JSON.stringify(source)} is null in YAML` };
  if (typeof v === "number") {
    const plain = source.replaceAll("_", "");
    const isInt = goParseInt(plain) !== undefined || /^-0b[01]+$/.test(plain);
    return { key: isInt ? String(v) : formatFloat32(v) };
  }
  return { key: source };
}
