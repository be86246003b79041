/**
 * Controllers copy user objects; the copies in the state must keep their
 * manifest's source (FILE:LINE in findings), and the Ingress status must use
 * the same class rule as the ingress plane (`servedIngresses`).
 */
import { describe, expect, it } from "vitest";
import { parseManifests } from "../../src/api/load.js";
import { sourceOf } from "../../src/api/source.js";
import type { KubeObject } from "../../src/api/types.js";
import { validateObjects } from "../../src/api/validate.js";
import { buildCluster } from "../../src/cluster/build.js";
import { defaultConfig } from "../../src/cluster/config.js";
import { servedIngresses } from "../../src/ingress/ingress-class.js";
import { lintIngressAnnotations } from "../../src/ingress/lint.js";

const FILE = "cluster.yaml";

const docs: [kind: string, text: string][] = [
  ["Namespace", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"],
  [
    "Deployment",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: c\n        image: web:1\n",
  ],
  [
    "Deployment",
    // No namespace: defaulted to "default" by a copy.
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n      - name: c\n        image: api:1\n",
  ],
  [
    "ReplicaSet",
    "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: rs\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: rs}\n  template:\n    metadata:\n      labels: {app: rs}\n    spec:\n      containers:\n      - name: c\n        image: rs:1\n",
  ],
  [
    "StatefulSet",
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  serviceName: db\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers:\n      - name: c\n        image: db:1\n",
  ],
  [
    "DaemonSet",
    "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: agent}\n  template:\n    metadata:\n      labels: {app: agent}\n    spec:\n      containers:\n      - name: c\n        image: agent:1\n",
  ],
  [
    "Pod",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: solo\nspec:\n  containers:\n  - name: c\n    image: solo:1\n",
  ],
  [
    "Service",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n",
  ],
  ["Service", "apiVersion: v1\nkind: Service\nmetadata:\n  name: ext\nspec:\n  ports:\n  - port: 80\n"],
  [
    "Endpoints",
    "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: ext\nsubsets:\n- addresses:\n  - ip: 192.0.2.1\n  ports:\n  - port: 80\n",
  ],
  [
    "EndpointSlice",
    "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: manual\n  namespace: shop\naddressType: IPv4\nendpoints:\n- addresses: [192.0.2.2]\nports:\n- port: 80\n",
  ],
  [
    "IngressClass",
    "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: michi\nspec:\n  controller: michi.dev/ingress\n",
  ],
  [
    "Ingress",
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n  namespace: shop\n  annotations:\n    alb.ingress.kubernetes.io/scheme: internet-facing\nspec:\n  ingressClassName: michi\n  rules:\n  - host: shop.example\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: web\n            port:\n              number: 80\n",
  ],
  [
    "Ingress",
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: other\n  namespace: shop\nspec:\n  ingressClassName: alb\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80\n",
  ],
  [
    "NetworkPolicy",
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: shop\nspec:\n  podSelector: {}\n",
  ],
  ["Secret", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: shop\nstringData:\n  k: v\n"],
  ["ConfigMap", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: shop\ndata:\n  k: v\n"],
];

function build() {
  const text = docs.map(([, t]) => t).join("---\n");
  const loaded = parseManifests(text, FILE);
  expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const validated = validateObjects(loaded.objects);
  expect(validated.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return { loaded, state: buildCluster(validated.valid, defaultConfig) };
}

/** 1-based line of the document holding `kind` `name`. */
function docLine(kind: string, name: string): number {
  let line = 1;
  for (const [k, t] of docs) {
    if (k === kind && new RegExp(`^  name: ${name}$`, "m").test(t)) return line;
    line += t.split("\n").length; // the document's lines plus its "---" separator
  }
  throw new Error(`no ${kind} ${name}`);
}

describe("derived copies of user objects keep their source", () => {
  const { state } = build();
  const find = (list: readonly KubeObject[], ns: string | undefined, name: string) =>
    list.find((o) => o.metadata?.name === name && o.metadata?.namespace === ns);
  it.each<[string, string | undefined, string, readonly KubeObject[]]>([
    ["Namespace", undefined, "shop", state.namespaces],
    ["Deployment", "shop", "web", state.deployments],
    ["Deployment", "default", "api", state.deployments],
    ["ReplicaSet", "shop", "rs", state.replicaSets],
    ["StatefulSet", "shop", "db", state.statefulSets],
    ["DaemonSet", "shop", "agent", state.daemonSets],
    ["Pod", "default", "solo", state.pods],
    ["Service", "shop", "web", state.services],
    ["Service", "default", "ext", state.services],
    ["Endpoints", "default", "ext", state.endpoints],
    ["EndpointSlice", "shop", "manual", state.endpointSlices],
    ["IngressClass", undefined, "michi", state.ingressClasses],
    ["Ingress", "shop", "shop", state.ingresses],
    ["NetworkPolicy", "shop", "deny", state.networkPolicies],
    ["Secret", "shop", "s", state.secrets],
    ["ConfigMap", "shop", "cm", state.configMaps],
  ])("%s %s/%s", (kind, ns, name, list) => {
    const o = find(list, ns, name);
    expect(o, `${kind} ${ns}/${name} in the state`).toBeDefined();
    expect(sourceOf(o as KubeObject)).toMatchObject({ file: FILE, line: docLine(kind, name) });
  });

  it("ingress lint findings print FILE:LINE", () => {
    const found = lintIngressAnnotations(state).find(
      (d) => d.code === "CloudOnlyAnnotation" && d.name === "shop",
    );
    expect(found).toMatchObject({
      file: FILE,
      field: "metadata.annotations[alb.ingress.kubernetes.io/scheme]",
    });
    // apiVersion, kind, metadata, name, namespace, annotations, then the key.
    expect(found?.line).toBe(docLine("Ingress", "shop") + 6);
  });
});

describe("Ingress status follows the ingress plane's class rule", () => {
  const { state } = build();
  it("an Ingress of a michi.dev/ingress class gets the controller's address", () => {
    const shop = state.ingresses.find((i) => i.metadata?.name === "shop");
    expect(shop?.status?.loadBalancer?.ingress?.length).toBe(1);
    const other = state.ingresses.find((i) => i.metadata?.name === "other");
    expect(other?.status?.loadBalancer).toEqual({});
  });
  it("status is set exactly for the Ingresses servedIngresses serves", () => {
    for (const [ing, verdict] of servedIngresses(state))
      expect((ing.status?.loadBalancer?.ingress?.length ?? 0) > 0, ing.metadata?.name).toBe(verdict.served);
  });
});
