/**
 * What a kind's printer is: the names kubectl accepts for it, its columns
 * (and `-o wide` columns) and how an object becomes a row. One per kind in
 * resource-printers.ts and gateway-printers.ts.
 */
import type { KubeObject } from "../api/types.js";
import type { AddressMap } from "../cluster/address-map.js";
import type { ClusterState } from "../cluster/state.js";

export const AGE = "<unknown>";

export interface Row {
  cells: string[];
  wide: string[];
}

export interface KindPrinter {
  kind: string;
  names: readonly string[];
  /** `-o name` prefix, e.g. `deployment.apps`. */
  resource: string;
  namespaced: boolean;
  list(state: ClusterState): readonly KubeObject[];
  headers: readonly string[];
  wideHeaders: readonly string[];
  row(obj: KubeObject, ctx: { state: ClusterState; addresses: AddressMap }): Row;
}
