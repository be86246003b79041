// Controller status beyond the conformance manifests: --gateway-class, ListenerSets, allowedRoutes selectors, port parentRefs.
import { describe, expect, it } from "vitest";
import type { Gateway, ListenerSet } from "../api/gateway-types.js";
import { parseManifests } from "../api/load.js";
import { makeConfig } from "../cluster/config.js";
import { snapshotOf } from "../snapshot/snapshot.js";

const CLASSES = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: michi}
spec: {controllerName: michi.dev/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: other}
spec: {controllerName: example.com/other}
---
apiVersion: v1
kind: Namespace
metadata: {name: team, labels: {gateway-access: "yes"}}
---
apiVersion: v1
kind: Namespace
metadata: {name: outsider}
---
apiVersion: v1
kind: Service
metadata: {name: svc, namespace: team}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: svc, namespace: outsider}
spec: {ports: [{port: 80}]}
`;

function build(yaml: string, classes?: string[]) {
  const r = snapshotOf(
    parseManifests(`${CLASSES}---\n${yaml}`, "t.yaml").objects,
    [],
    makeConfig(classes ? { gatewayClasses: classes } : {}),
  );
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.state;
}

const conds = (c: { conditions?: { type: string; status: string; reason: string }[] } | undefined) =>
  (c?.conditions ?? []).map((x) => `${x.type}=${x.status}/${x.reason}`);

const GW = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: michi
  allowedListeners: {namespaces: {from: Selector, selector: {matchLabels: {gateway-access: "yes"}}}}
  listeners:
  - name: http
    port: 80
    protocol: HTTP
    hostname: a.example.com
    allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {gateway-access: "yes"}}}}
---
`;

const route = (ns: string, parent: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: ${ns}}
spec:
  parentRefs: [${parent}]
  rules: [{backendRefs: [{name: svc, port: 80}]}]
---
`;

describe("Gateway controller status", () => {
  it("--gateway-class restricts the classes michi handles; others stay Pending and get no address", () => {
    const s = build(
      `${GW}apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: theirs, namespace: default}
spec: {gatewayClassName: other, listeners: [{name: http, port: 80, protocol: HTTP}]}
`,
      ["michi"],
    );
    const theirs = s.gatewayApi?.gateways.find((g) => g.metadata?.name === "theirs") as Gateway;
    expect(conds(theirs.status)).toEqual(["Accepted=Unknown/Pending", "Programmed=Unknown/Pending"]);
    expect(theirs.status?.addresses).toBeUndefined();
    expect(conds(s.gatewayApi?.gatewayClasses.find((c) => c.metadata?.name === "other")?.status)).toEqual([
      "Accepted=Unknown/Pending",
    ]);
    expect(s.services.some((x) => x.metadata?.name === "theirs-other")).toBe(false);
    const all = build(`apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: theirs, namespace: default}
spec: {gatewayClassName: other, listeners: [{name: http, port: 80, protocol: HTTP}]}
`);
    expect(conds(all.gatewayApi?.gateways[0]?.status)).toEqual([
      "Accepted=True/Accepted",
      "Programmed=True/Programmed",
    ]);
  });

  it("allowedRoutes Selector admits labelled namespaces only; port parentRefs", () => {
    const s = build(
      GW +
        route("team", "{name: gw, namespace: default, port: 80}") +
        route("outsider", "{name: gw, namespace: default}") +
        route("default", "{name: gw, port: 8080}"),
    );
    const by = (ns: string) =>
      conds(s.gatewayApi?.httpRoutes.find((r) => r.metadata?.namespace === ns)?.status?.parents[0]);
    expect(by("team")).toEqual(["Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs"]);
    expect(by("outsider")[0]).toBe("Accepted=False/NotAllowedByListeners");
    expect(by("default")[0]).toBe("Accepted=False/NoMatchingParent");
    expect(s.gatewayApi?.gateways[0]?.status?.listeners?.[0]?.attachedRoutes).toBe(1);
  });

  it("ListenerSets: allowed by namespace, their listeners take routes, conflicts lose to the Gateway's", () => {
    const set = (ns: string, name: string, listeners: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: ${name}, namespace: ${ns}}
spec:
  parentRef: {name: gw, namespace: default}
  listeners: ${listeners}
---
`;
    const s = build(
      GW +
        set(
          "team",
          "extra",
          "[{name: b, port: 80, protocol: HTTP, hostname: b.example.com, allowedRoutes: {namespaces: {from: Same}}}, {name: dup, port: 80, protocol: HTTP, hostname: a.example.com}]",
        ) +
        set("outsider", "nope", "[{name: c, port: 80, protocol: HTTP}]") +
        route("team", "{kind: ListenerSet, name: extra, sectionName: b}"),
    );
    const extra = s.gatewayApi?.listenerSets.find((l) => l.metadata?.name === "extra") as ListenerSet;
    expect(conds(extra.status)).toEqual(["Accepted=True/ListenersNotValid", "Programmed=True/Programmed"]);
    const b = extra.status?.listeners?.find((l) => l.name === "b");
    expect(b?.attachedRoutes).toBe(1);
    expect(conds(extra.status?.listeners?.find((l) => l.name === "dup"))).toContain(
      "Conflicted=True/HostnameConflict",
    );
    const nope = s.gatewayApi?.listenerSets.find((l) => l.metadata?.name === "nope") as ListenerSet;
    expect(conds(nope.status)[0]).toBe("Accepted=False/NotAllowed");
    expect(s.gatewayApi?.gateways[0]?.status?.attachedListenerSets).toBe(1);
    expect(conds(s.gatewayApi?.httpRoutes[0]?.status?.parents[0])).toEqual([
      "Accepted=True/Accepted",
      "ResolvedRefs=True/ResolvedRefs",
    ]);
  });

  it("a backendRef to a Service port that does not exist is BackendNotFound", () => {
    const s = build(
      GW +
        `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: team}
spec:
  parentRefs: [{name: gw, namespace: default}]
  rules: [{backendRefs: [{name: svc, port: 81}]}]
`,
    );
    expect(s.gatewayApi?.httpRoutes[0]?.status?.parents[0]?.conditions[1]).toMatchObject({
      type: "ResolvedRefs",
      status: "False",
      reason: "BackendNotFound",
      message: "Service team/svc has no port 81",
    });
  });
});
