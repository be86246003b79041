/**
 * An nftables table as data, and the transaction text that turns one
 * version into the next. A sync sends one `nft -f` transaction per node:
 * the first builds the table from nothing (after deleting any leftover of the
 * same name); later ones touch only what changed, as kube-proxy's nftables
 * mode does on a partial sync — new chains and sets are added, chains whose
 * rules changed are flushed and refilled, map elements are deleted and added
 * one by one, and chains and sets nobody uses any more are removed last
 * (after every rule and element that pointed at them is gone).
 */

export interface NftSet {
  kind: "set" | "map";
  /** Declaration body, e.g. `type ipv4_addr . inet_proto . inet_service : verdict;`. */
  decl: string;
  /** Element key → element text (`key` for sets, `key : value` for maps); undefined: filled by the kernel (dynamic). */
  elements: Map<string, string> | undefined;
}

export interface NftChain {
  /** Base chain declaration (`type nat hook prerouting priority dstnat; policy accept;`); undefined for a regular chain. */
  base?: string;
  rules: string[];
}

export interface NftTable {
  family: "ip" | "inet";
  name: string;
  sets: Map<string, NftSet>;
  chains: Map<string, NftChain>;
}

export function newTable(family: NftTable["family"], name: string): NftTable {
  return { family, name, sets: new Map(), chains: new Map() };
}

/** Adds a map/set element (creating nothing: the set must be declared). */
export function addElement(t: NftTable, set: string, key: string, value?: string): void {
  const s = t.sets.get(set);
  if (!s?.elements) throw new Error(`nft: no set ${set} with elements in ${t.name}`);
  s.elements.set(key, value === undefined ? key : `${key} : ${value}`);
}

function sameRules(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Transaction text from `prev` (undefined: the table is new) to `next`; empty when nothing changed. */
export function diffTable(prev: NftTable | undefined, next: NftTable): string {
  const t = `${next.family} ${next.name}`;
  const out: string[] = [];
  if (!prev) {
    // Remove a leftover of the same name (a killed run in a reused namespace), atomically.
    out.push(`add table ${t}`, `delete table ${t}`, `add table ${t}`);
  }
  const p = prev ?? newTable(next.family, next.name);
  for (const [name, s] of next.sets) {
    const old = p.sets.get(name);
    if (!old) out.push(`add ${s.kind} ${t} ${name} { ${s.decl} }`);
    else if (old.decl !== s.decl || old.kind !== s.kind)
      throw new Error(`nft: ${name} changed its declaration; give it a new name`);
  }
  for (const [name, c] of next.chains) {
    if (!p.chains.has(name))
      out.push(c.base ? `add chain ${t} ${name} { ${c.base} }` : `add chain ${t} ${name}`);
  }
  // Elements leaving first (they may point at chains that go below).
  for (const [name, s] of p.sets) {
    if (!s.elements) continue;
    const n = next.sets.get(name)?.elements;
    const gone: string[] = [];
    for (const [k, v] of s.elements) if (!n || n.get(k) !== v) gone.push(k);
    if (gone.length > 0 && n) out.push(`delete element ${t} ${name} { ${gone.join(", ")} }`);
  }
  for (const [name, c] of next.chains) {
    const old = p.chains.get(name);
    if (old && (old.rules === c.rules || sameRules(old.rules, c.rules))) continue;
    if (old) out.push(`flush chain ${t} ${name}`);
    for (const r of c.rules) out.push(`add rule ${t} ${name} ${r}`);
  }
  for (const [name, s] of next.sets) {
    if (!s.elements) continue;
    const o = p.sets.get(name)?.elements;
    const added: string[] = [];
    for (const [k, v] of s.elements) if (!o || o.get(k) !== v) added.push(v);
    if (added.length > 0) out.push(`add element ${t} ${name} { ${added.join(", ")} }`);
  }
  const goneChains = [...p.chains.keys()].filter((c) => !next.chains.has(c));
  for (const c of goneChains) out.push(`flush chain ${t} ${c}`);
  // Sets after the rules that used them are flushed, before the chains their verdicts named.
  for (const [name, s] of p.sets) if (!next.sets.has(name)) out.push(`delete ${s.kind} ${t} ${name}`);
  for (const c of goneChains) out.push(`delete chain ${t} ${c}`);
  return out.length > 0 ? `${out.join("\n")}\n` : "";
}

/** The whole table as one transaction (what the first sync sends). */
export function renderTable(t: NftTable): string {
  return diffTable(undefined, t);
}
