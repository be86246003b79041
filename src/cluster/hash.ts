/**
 * Deterministic stand-ins for the names a control plane generates.
 *
 * Upstream uses FNV-32a for pod-template-hash / controller-revision-hash
 * (`controller.ComputeHash`) and `rand.String(5)` for generateName suffixes.
 * michi keeps the same alphabets, lengths and encodings but derives every value
 * from a stable seed (object identity, never manifest order) so the same
 * manifests always give the same names. See docs/model.md "Naming".
 */
import type { KubeObject } from "../api/types.js";

/** k8s.io/apimachinery/pkg/util/rand alphanums: no vowels, no confusable characters. */
export const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

const encoder = new TextEncoder();

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a 32-bit over the UTF-8 bytes of `text`. */
export function fnv32a(text: string): number {
  return fnvAdd(FNV_OFFSET, text) >>> 0;
}

/** Continues an FNV-1a state `h` over the UTF-8 bytes of `text` (so pieces hash like their concatenation). */
function fnvAdd(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Names are ASCII; anything else goes through the UTF-8 encoder so the bytes match Go's.
    if (c > 0x7f) return fnvAddBytes(h, encoder.encode(i === 0 ? text : text.slice(i)));
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  return h;
}

function fnvAddBytes(h: number, bytes: Uint8Array): number {
  for (const b of bytes) h = Math.imul(h ^ b, FNV_PRIME);
  return h;
}

/** rand.SafeEncodeString: each byte mapped onto ALPHANUMS (what turns a decimal hash into `5d4f8b7c9`). */
export function safeEncodeString(s: string): string {
  let out = "";
  for (const b of encoder.encode(s)) out += ALPHANUMS[b % ALPHANUMS.length];
  return out;
}

/** JSON with object keys sorted, so equal objects hash equally whatever their key order. */
export function canonicalJSON(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJSON).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJSON(obj[k])}`).join(",")}}`;
}

/**
 * pod-template-hash / controller-revision-hash: SafeEncodeString(decimal FNV-32a).
 * Upstream hashes the Go struct dump (spew); michi hashes canonical JSON, so the
 * format matches a real cluster's but the value differs.
 */
export function templateHash(template: unknown, salt = ""): string {
  // Hashed while walking: the same value as fnv32a(salt + canonicalJSON(template)) without building the text.
  return safeEncodeString(String(fnvCanonical(fnvAdd(FNV_OFFSET, salt), template) >>> 0));
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;

/** A string as JSON.stringify writes it; plain printable ASCII is hashed in place, anything else escaped first. */
function fnvJSONString(h0: number, s: string): number {
  let h = Math.imul(h0 ^ QUOTE, FNV_PRIME);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c) return fnvAdd(h0, JSON.stringify(s));
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  return Math.imul(h ^ QUOTE, FNV_PRIME);
}

/** FNV-1a of canonicalJSON(value), continued from `h`. */
function fnvCanonical(h: number, value: unknown): number {
  if (typeof value === "string") return fnvJSONString(h, value);
  if (value === null || typeof value !== "object") return fnvAdd(h, JSON.stringify(value) ?? "null");
  if (Array.isArray(value)) {
    h = Math.imul(h ^ 0x5b, FNV_PRIME);
    for (let i = 0; i < value.length; i++) {
      if (i > 0) h = Math.imul(h ^ COMMA, FNV_PRIME);
      h = fnvCanonical(h, value[i]);
    }
    return Math.imul(h ^ 0x5d, FNV_PRIME);
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  // Insertion sort in place (objects are small; same order as Array#sort's default on strings).
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > k) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = k;
  }
  h = Math.imul(h ^ 0x7b, FNV_PRIME);
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (!first) h = Math.imul(h ^ COMMA, FNV_PRIME);
    first = false;
    h = fnvJSONString(h, k);
    h = Math.imul(h ^ COLON, FNV_PRIME);
    h = fnvCanonical(h, v);
  }
  return Math.imul(h ^ 0x7d, FNV_PRIME);
}

/** `n` characters of ALPHANUMS derived from `seed` (the deterministic `rand.String(n)`). */
export function suffixFor(seed: string, n = 5): string {
  if (n === 5) {
    // The generateName case (every pod): one string, not one per character.
    let h = fnv32a(seed);
    const c0 = ALPHANUMS.charCodeAt(h % 27);
    h = Math.floor(h / 27);
    const c1 = ALPHANUMS.charCodeAt(h % 27);
    h = Math.floor(h / 27);
    const c2 = ALPHANUMS.charCodeAt(h % 27);
    h = Math.floor(h / 27);
    const c3 = ALPHANUMS.charCodeAt(h % 27);
    h = Math.floor(h / 27);
    return String.fromCharCode(c0, c1, c2, c3, ALPHANUMS.charCodeAt(h % 27));
  }
  let out = "";
  let h = fnv32a(seed);
  let round = 0;
  while (out.length < n) {
    // 27^5 < 2^32: five characters come from one hash; rehash for longer suffixes.
    if (round > 0 && out.length % 5 === 0) h = fnv32a(`${seed}#${round}`);
    out += ALPHANUMS[h % ALPHANUMS.length];
    h = Math.floor(h / ALPHANUMS.length);
    if (out.length % 5 === 0) round++;
  }
  return out;
}

/** names.SimpleNameGenerator: prefix truncated to 58 characters so prefix+suffix fits 63. */
export function generatedName(prefix: string, seed: string, taken: (name: string) => boolean): string {
  const base = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
  for (let attempt = 0; ; attempt++) {
    // A clash is what the API server answers with AlreadyExists; the controller retries with a new suffix.
    const name = base + suffixFor(attempt === 0 ? seed : `${seed}~${attempt}`);
    if (!taken(name)) return name;
  }
}

/** The four FNV-1a lanes of uidFor (module state: no closure or key string per call). */
let la = 0;
let lb = 0;
let lc = 0;
let ld = 0;

function mixLanes(s: string): void {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    la = Math.imul(la ^ ch, FNV_PRIME);
    lb = Math.imul(lb ^ ch, FNV_PRIME);
    lc = Math.imul(lc ^ ch, FNV_PRIME);
    ld = Math.imul(ld ^ ch, FNV_PRIME);
  }
}

const HEX_DIGITS = "0123456789abcdef";
const UID_CODES: number[] = new Array<number>(36).fill(0);

/** Writes the low `n` hex digits of `x` at UID_CODES[at..at+n). */
function putHex(at: number, x: number, n: number): void {
  for (let i = n - 1; i >= 0; i--) {
    UID_CODES[at + i] = HEX_DIGITS.charCodeAt(x & 15);
    x >>>= 4;
  }
}

/**
 * A stable RFC 4122-shaped (version 4 layout) UID from an object's identity:
 * four FNV-1a lanes with different offset bases over `kind/namespace/name`
 * (UTF-16 code units) in one pass, 128 bits without four passes. Called for
 * every derived object, so it builds no intermediate strings.
 */
export function uidFor(kind: string, namespace: string, name: string): string {
  la = 0x811c9dc5;
  lb = 0x050c5d1f;
  lc = 0x1b873593;
  ld = 0x6b43a9b5;
  mixLanes(kind);
  mixLanes("/");
  mixLanes(namespace);
  mixLanes("/");
  mixLanes(name);
  const a = la >>> 0;
  const b = lb >>> 0;
  // The variant bits 10.
  const c = (((lc >>> 0) & 0x3fffffff) | 0x80000000) >>> 0;
  const d = ld >>> 0;
  // 8-4-4-4-12 with the version nibble 4.
  putHex(0, a, 8);
  UID_CODES[8] = 0x2d;
  putHex(9, b >>> 16, 4);
  UID_CODES[13] = 0x2d;
  UID_CODES[14] = 0x34;
  putHex(15, b & 0xfff, 3);
  UID_CODES[18] = 0x2d;
  putHex(19, c >>> 16, 4);
  UID_CODES[23] = 0x2d;
  putHex(24, c & 0xffff, 4);
  putHex(28, d, 8);
  return String.fromCharCode.apply(null, UID_CODES);
}

/**
 * Give the object its UID. The API server ignores a uid in the request and
 * generates one on create, so a manifest's uid is replaced too.
 */
export function assignUid(obj: KubeObject): string {
  const meta = obj.metadata ?? {};
  meta.uid = uidFor(obj.kind ?? "", meta.namespace ?? "", meta.name ?? "");
  obj.metadata = meta;
  return meta.uid;
}
