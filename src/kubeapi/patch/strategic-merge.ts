/**
 * Strategic merge patch (application/strategic-merge-patch+json), applied the
 * way kube-apiserver applies it: maps merge recursively, lists merge by the
 * field's patch strategy and merge key, `null` deletes, and the directives
 * `$patch: replace|delete|merge`, `$retainKeys`, `$setElementOrder/FIELD` and
 * `$deleteFromPrimitiveList/FIELD`. The ordering rules (patch order, then the
 * live order for server-only items) follow upstream's documented design so a
 * kubectl-computed patch yields the same list order as on a real cluster.
 * Checked against upstream's own test tables (strategic-merge.test.ts).
 */

/** What the engine needs to know about a field: its sub-schema, strategies and merge key. */
export interface PatchSchema {
  lookup(field: string): FieldPatchMeta;
}

export interface FieldPatchMeta {
  schema: PatchSchema | undefined;
  strategies: readonly string[];
  mergeKey: string | undefined;
}

export class PatchError extends Error {
  readonly code = "PatchInvalid";
}

type M = Record<string, unknown>;
type Kind = "map" | "list" | "string" | "number" | "boolean" | "null";

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const DELETE_PRIMITIVE = "$deleteFromPrimitiveList";
const SET_ORDER = "$setElementOrder";

const NO_SCHEMA: PatchSchema = { lookup: () => ({ schema: undefined, strategies: [], mergeKey: undefined }) };

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "list";
  if (typeof v === "object") return "map";
  return typeof v as "string" | "number" | "boolean";
}

const isMap = (v: unknown): v is M => kindOf(v) === "map";

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Applies `patch` to `original` (neither is modified). */
export function strategicMergePatch(original: M, patch: M, schema: PatchSchema = NO_SCHEMA): M {
  if (!isMap(patch)) throw new PatchError("a strategic merge patch must be a JSON object");
  return mergeMap(clone(original), clone(patch), schema);
}

function mergeMap(original: M | undefined, patch: M, schema: PatchSchema): M {
  if (DIRECTIVE in patch) {
    const d = patch[DIRECTIVE];
    if (d === "replace") {
      delete patch[DIRECTIVE];
      return patch;
    }
    if (d === "delete") return {};
    throw new PatchError(`Unknown patch type: ${String(d)} in map: ${JSON.stringify(patch)}`);
  }
  const out: M = original ?? {};
  applyRetainKeys(out, patch);
  mergeElementOrder(out, patch, schema);
  for (const key of Object.keys(patch)) {
    const pv = patch[key];
    let k = key;
    let isDeleteList = false;
    if (key.startsWith(`${DELETE_PRIMITIVE}/`)) {
      k = key.slice(DELETE_PRIMITIVE.length + 1);
      isDeleteList = true;
    } else if (key.startsWith(DELETE_PRIMITIVE)) {
      throw new PatchError("invalid patch: $deleteFromPrimitiveList must be followed by /FIELD");
    }
    if (pv === null) {
      delete out[k];
      continue;
    }
    if (!(k in out) || kindOf(out[k]) !== kindOf(pv)) {
      if (!isDeleteList) {
        discardNulls(pv);
        const [v, keep] = removeDirectives(pv);
        if (keep) out[k] = v;
        else delete out[k];
      }
      continue;
    }
    const meta = schema.lookup(k);
    const strategy = otherStrategy(meta.strategies);
    const kind = kindOf(out[k]);
    if (kind === "map") {
      out[k] = strategy === "replace" ? pv : mergeMap(out[k] as M, pv as M, meta.schema ?? NO_SCHEMA);
    } else if (kind === "list") {
      out[k] = mergeListHandler(out[k] as unknown[], pv as unknown[], meta, strategy, isDeleteList);
    } else {
      const [v, keep] = removeDirectives(pv);
      if (keep) out[k] = v;
      else delete out[k];
    }
  }
  return out;
}

/** The strategy besides `retainKeys` (`merge`, `replace` or ""). */
function otherStrategy(strategies: readonly string[]): string {
  if (strategies.length === 0) return "";
  if (strategies.length === 1) return strategies[0] === "retainKeys" ? "" : (strategies[0] as string);
  if (strategies.length === 2 && strategies.includes("retainKeys")) {
    return (strategies[0] === "retainKeys" ? strategies[1] : strategies[0]) as string;
  }
  throw new PatchError(`unexpected patch strategy: ${strategies.join(",")}`);
}

function discardNulls(v: unknown): void {
  if (isMap(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else discardNulls(x);
    }
  } else if (Array.isArray(v)) for (const x of v) discardNulls(x);
}

/** Strips directives; a map carrying `$patch` is dropped altogether. */
function removeDirectives(v: unknown): [unknown, boolean] {
  if (isMap(v)) {
    if (DIRECTIVE in v) return [undefined, false];
    for (const [k, x] of Object.entries(v)) {
      const [nv, keep] = removeDirectives(x);
      if (keep) v[k] = nv;
      else delete v[k];
    }
    return [v, true];
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const [nv, keep] = removeDirectives(x);
      if (keep) out.push(nv);
    }
    return [out, true];
  }
  return [v, true];
}

function applyRetainKeys(original: M, patch: M): void {
  if (!(RETAIN_KEYS in patch)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw new PatchError("invalid patch: $retainKeys must be a list");
  const keep = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_PRIMITIVE) || k.startsWith(SET_ORDER)) continue;
    if (!keep.has(k)) throw new PatchError(`invalid patch: field ${k} is not in $retainKeys`);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function mergeListHandler(
  original: unknown[],
  patch: unknown[],
  meta: FieldPatchMeta,
  strategy: string,
  isDeleteList: boolean,
): unknown[] {
  if (!Array.isArray(original) || !Array.isArray(patch)) throw new PatchError("expected lists");
  if (strategy === "merge" || isDeleteList) {
    return mergeList(original, patch, meta.schema ?? NO_SCHEMA, meta.mergeKey ?? "", isDeleteList);
  }
  return patch;
}

function elementKind(...lists: unknown[][]): Kind {
  let prev: Kind | undefined;
  for (const l of lists) {
    for (const v of l) {
      const k = kindOf(v);
      if (prev === undefined) {
        if (k === "list") throw new PatchError("lists of lists are not supported");
        prev = k;
      } else if (prev !== k) throw new PatchError("list element types are not identical");
    }
  }
  if (prev === undefined) throw new PatchError("no elements in any of the given slices");
  return prev;
}

function mergeList(
  original: unknown[],
  patch: unknown[],
  schema: PatchSchema,
  mergeKey: string,
  isDeleteList: boolean,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  let merged: unknown[];
  let orig = original;
  let pat = patch;
  if (kind !== "map") {
    if (isDeleteList) {
      const del = new Set(patch);
      return original.filter((v) => !del.has(v));
    }
    merged = dedupeScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw new PatchError("cannot merge lists without merge key");
    [orig, pat] = withSpecialElements(original, patch, mergeKey);
    merged = [...orig];
    for (const v of pat) {
      const item = v as M;
      if (!(mergeKey in item))
        throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
      const i = findByKey(merged, mergeKey, item[mergeKey]);
      if (i >= 0) merged[i] = mergeMap(merged[i] as M, item, schema);
      else merged.push(v);
    }
  }
  const [patchItems, serverOnly] = partition(merged, pat, mergeKey, kind);
  return normalizeOrder(patchItems, serverOnly, pat, orig, mergeKey, kind);
}

/** Handles `$patch: delete|replace` items; returns the original and the patch without them. */
function withSpecialElements(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
): [unknown[], unknown[]] {
  const rest: unknown[] = [];
  let orig = original;
  let replace = false;
  for (const v of patch) {
    const item = v as M;
    if (!(DIRECTIVE in item)) {
      rest.push(v);
      continue;
    }
    const d = item[DIRECTIVE];
    if (d === "delete") {
      if (!(mergeKey in item))
        throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
      orig = orig.filter((o) => !(isMap(o) && mergeKey in o && o[mergeKey] === item[mergeKey]));
    } else if (d === "replace") {
      replace = true;
    } else if (d === "merge") {
      throw new PatchError("merging lists cannot yet be specified in the patch");
    } else {
      throw new PatchError(`Unknown patch type: ${String(d)} in map: ${JSON.stringify(item)}`);
    }
  }
  return replace ? [rest, []] : [orig, rest];
}

function findByKey(list: unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (!isMap(v)) throw new PatchError(`value for key ${i} is not a map`);
    if (key in v && v[key] === value) return i;
  }
  return -1;
}

/** Upstream's in-place de-duplication (it moves the last item into a duplicate's slot). */
function dedupeScalars(s: unknown[]): unknown[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function keyOf(v: unknown, mergeKey: string, kind: Kind): unknown {
  if (kind === "map") return isMap(v) ? v[mergeKey] : undefined;
  return v;
}

function indexIn(list: readonly unknown[], v: unknown, mergeKey: string, kind: Kind): number {
  const want = keyOf(v, mergeKey, kind);
  for (let i = 0; i < list.length; i++) if (keyOf(list[i], mergeKey, kind) === want) return i;
  return -1;
}

/** Items of `merged` present in `by` (patch items) and the rest (server-only items). */
function partition(
  merged: unknown[],
  by: readonly unknown[],
  mergeKey: string,
  kind: Kind,
): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of merged) {
    let found: boolean;
    if (mergeKey === "" || kind !== "map") found = by.includes(v);
    else {
      if (!isMap(v) || !(mergeKey in v))
        throw new PatchError(`map: ${JSON.stringify(v)} does not contain declared merge key: ${mergeKey}`);
      found = by.some((b) => isMap(b) && mergeKey in b && b[mergeKey] === v[mergeKey]);
    }
    (found ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

function normalizeOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string,
  kind: Kind,
): unknown[] {
  const p = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const s = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSorted(s, p, serverOrder, mergeKey, kind);
}

/** Stable insertion sort by position in `order`; unknown items move forward, as upstream's comparator does. */
function sortByOrder(items: unknown[], order: readonly unknown[], mergeKey: string, kind: Kind): unknown[] {
  let list = items;
  let toDelete: unknown[] = [];
  if (kind === "map") {
    for (const v of [...items, ...order]) {
      if (!isMap(v) || !(mergeKey in v))
        throw new PatchError(`map: ${JSON.stringify(v)} does not contain declared merge key: ${mergeKey}`);
    }
    list = items.filter((v) => (v as M)[DIRECTIVE] !== "delete");
    toDelete = items.filter((v) => (v as M)[DIRECTIVE] === "delete");
  }
  const less = (a: unknown, b: unknown): boolean => {
    const ia = indexIn(order, a, mergeKey, kind);
    if (ia >= 0) {
      const ib = indexIn(order, b, mergeKey, kind);
      if (ib >= 0) return ia < ib;
    }
    return true;
  };
  const out = [...list];
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j], out[j - 1]); j--) {
      const t = out[j];
      out[j] = out[j - 1];
      out[j - 1] = t;
    }
  }
  return [...out, ...toDelete];
}

/** Interleaves server-only items (left) into patch items (right) by the live order. */
function mergeSorted(
  left: unknown[],
  right: unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string,
  kind: Kind,
): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** `$setElementOrder/FIELD`: merges FIELD and orders it as the directive says. */
function mergeElementOrder(original: M, patch: M, schema: PatchSchema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw new PatchError("invalid patch: $setElementOrder must be a list");
    if (!key.startsWith(`${SET_ORDER}/`))
      throw new PatchError("invalid patch: $setElementOrder must be followed by /FIELD");
    const field = key.slice(SET_ORDER.length + 1);
    const origV = original[field];
    const patchV = patch[field];
    const hasOrig = field in original;
    const hasPatch = field in patch;
    if (hasOrig && !Array.isArray(origV)) throw new PatchError(`invalid patch: ${field} is not a list`);
    if (hasPatch && !Array.isArray(patchV)) throw new PatchError(`invalid patch: ${field} is not a list`);
    const meta = schema.lookup(field);
    const strategy = otherStrategy(meta.strategies);
    const mergeKey = meta.mergeKey ?? "";
    checkOrder((patchV as unknown[] | undefined) ?? [], order, mergeKey);
    let merged: unknown[];
    if (hasOrig && !hasPatch) merged = origV as unknown[];
    else if (!hasOrig && hasPatch) merged = removeDirectives(patchV)[0] as unknown[];
    else if (hasOrig && hasPatch)
      merged = mergeListHandler(origV as unknown[], patchV as unknown[], meta, strategy, false);
    else continue;
    const kind = elementKind((origV as unknown[] | undefined) ?? [], (patchV as unknown[] | undefined) ?? []);
    const [inPatch, serverOnly] = partition(merged, order, mergeKey, kind);
    original[field] = normalizeOrder(
      inPatch,
      serverOnly,
      order,
      (origV as unknown[] | undefined) ?? [],
      mergeKey,
      kind,
    );
    delete patch[field];
  }
}

/** The patch list's items must appear in the $setElementOrder list, in the same relative order. */
function checkOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((v) => !(isMap(v) && v[DIRECTIVE] === "delete")) : patchList;
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    const item = items[p];
    if (isMap(item) && DIRECTIVE in item) {
      p++;
      continue;
    }
    let equal: boolean;
    if (!mergeKey) equal = item === order[s];
    else {
      const a = item as M;
      const b = order[s] as M;
      if (!isMap(a) || !(mergeKey in a) || !isMap(b) || !(mergeKey in b)) {
        throw new PatchError(`map does not contain declared merge key: ${mergeKey}`);
      }
      equal = a[mergeKey] === b[mergeKey];
    }
    if (equal) p++;
    s++;
  }
  if (p < items.length && s >= order.length) {
    throw new PatchError("The order in patch list doesn't match $setElementOrder list");
  }
}
