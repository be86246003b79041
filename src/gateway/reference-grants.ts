/**
 * ReferenceGrant: a reference from an object in one namespace to an object
 * in another is allowed only when a ReferenceGrant in the target's
 * namespace lists the source (group, kind, namespace) in `from` and the
 * target (group, kind, optional name) in `to`. Same-namespace references
 * need none.
 */
import type { ReferenceGrant } from "../api/gateway-types.js";
import { nsOf } from "./common.js";

export interface RefSource {
  group: string;
  kind: string;
  namespace: string;
}

export interface RefTarget {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

export class ReferenceGrants {
  private readonly byNs = new Map<string, ReferenceGrant[]>();

  constructor(grants: readonly ReferenceGrant[]) {
    for (const g of grants) {
      const ns = nsOf(g);
      const list = this.byNs.get(ns) ?? [];
      list.push(g);
      this.byNs.set(ns, list);
    }
  }

  /** Whether `from` may refer to `to` (always, within one namespace). */
  permits(from: RefSource, to: RefTarget): boolean {
    if (from.namespace === to.namespace) return true;
    return this.grantFor(from, to) !== undefined;
  }

  /** The ReferenceGrant that permits the reference, if any. */
  grantFor(from: RefSource, to: RefTarget): ReferenceGrant | undefined {
    return (this.byNs.get(to.namespace) ?? []).find(
      (g) =>
        (g.spec?.from ?? []).some(
          (f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace,
        ) &&
        (g.spec?.to ?? []).some(
          (t) =>
            t.group === to.group &&
            t.kind === to.kind &&
            (t.name === undefined || t.name === "" || t.name === to.name),
        ),
    );
  }
}
