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

/** FNV-1a 32-bit over the UTF-8 bytes of `text`. */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Names are ASCII; anything else goes through the UTF-8 encoder so the bytes match Go's.
    if (c > 0x7f) return fnv32aBytes(encoder.encode(text));
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

function fnv32aBytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
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
  return safeEncodeString(String(fnv32a(salt + canonicalJSON(template))));
}

/** `n` characters of ALPHANUMS derived from `seed` (the deterministic `rand.String(n)`). */
export function suffixFor(seed: string, n = 5): string {
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

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** 8 lowercase hex digits of an unsigned 32-bit value (a table: Number#toString(16) is slow in bulk). */
function hex8(x: number): string {
  return (
    (HEX2[(x >>> 24) & 255] ?? "") +
    (HEX2[(x >>> 16) & 255] ?? "") +
    (HEX2[(x >>> 8) & 255] ?? "") +
    (HEX2[x & 255] ?? "")
  );
}

/** A stable RFC 4122-shaped (version 4 layout) UID from an object's identity. */
export function uidFor(kind: string, namespace: string, name: string): string {
  const key = `${kind}/${namespace}/${name}`;
  // Four FNV-1a lanes with different offset bases in one pass: 128 bits without four passes.
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  let c = 0x1b873593;
  let d = 0x6b43a9b5;
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x01000193);
    c = Math.imul(c ^ ch, 0x01000193);
    d = Math.imul(d ^ ch, 0x01000193);
  }
  // 8-4-4-4-12 with the version nibble 4 and the variant bits 10.
  const hb = hex8(b >>> 0);
  const hc = hex8((((c >>> 0) & 0x3fffffff) | 0x80000000) >>> 0);
  return `${hex8(a >>> 0)}-${hb.slice(0, 4)}-4${hb.slice(5)}-${hc.slice(0, 4)}-${hc.slice(4)}${hex8(d >>> 0)}`;
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
