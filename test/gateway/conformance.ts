/**
 * Loads Gateway API conformance manifests (test/fixtures/reference/gateway-api)
 * as the suite applies them: base manifests, the suite's own objects, the
 * test's YAML, with `{GATEWAY_CLASS_NAME}` set to michi's class; then
 * validation and the controllers, as every michi command does.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type {
  Gateway,
  GenericRoute,
  HTTPRoute,
  ListenerStatus,
  RouteParentStatus,
} from "../../src/api/gateway-types.js";
import { parseManifests } from "../../src/api/load.js";
import { defaultConfig } from "../../src/cluster/config.js";
import { type Snapshot, snapshotOf } from "../../src/snapshot/snapshot.js";

export const FIXTURES = join(import.meta.dirname, "../fixtures/reference/gateway-api");

export function loadConformance(...tests: string[]): Snapshot {
  const files = ["base-manifests.yaml", "suite-objects.yaml", ...tests.map((t) => `${t}.yaml`)];
  const objects = files.flatMap((f) => {
    const text = readFileSync(join(FIXTURES, f), "utf8").replaceAll("{GATEWAY_CLASS_NAME}", "michi");
    return parseManifests(text, f).objects;
  });
  return snapshotOf(objects, [], defaultConfig);
}

export function gateway(r: Snapshot, ns: string, name: string): Gateway {
  const g = r.state.gatewayApi?.gateways.find(
    (x) => x.metadata?.namespace === ns && x.metadata?.name === name,
  );
  if (!g) throw new Error(`no Gateway ${ns}/${name}`);
  return g;
}

export function listener(g: Gateway, name: string): ListenerStatus {
  const l = g.status?.listeners?.find((x) => x.name === name);
  if (!l) throw new Error(`no listener ${name}`);
  return l;
}

export function httpRoute(r: Snapshot, ns: string, name: string): HTTPRoute {
  const x = r.state.gatewayApi?.httpRoutes.find(
    (o) => o.metadata?.namespace === ns && o.metadata?.name === name,
  );
  if (!x) throw new Error(`no HTTPRoute ${ns}/${name}`);
  return x;
}

/** `Type=Status/Reason` of each condition, for compact assertions. */
export function conds(
  c: { conditions?: { type: string; status: string; reason: string }[] } | undefined,
): string[] {
  return (c?.conditions ?? []).map((x) => `${x.type}=${x.status}/${x.reason}`);
}

export function parentConds(route: GenericRoute, gatewayName: string): string[] {
  const p: RouteParentStatus | undefined = route.status?.parents.find(
    (x) => x.parentRef.name === gatewayName,
  );
  return conds(p);
}
