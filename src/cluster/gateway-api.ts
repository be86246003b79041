/**
 * The Gateway API in the control plane. Gateway API objects are stored with
 * their CRDs' defaults; each Gateway of a class michi controls gets a
 * LoadBalancer Service (`<gateway>-<class>` in its namespace, one port per
 * listener port, as implementations provision their data plane), so its
 * address comes from the same LoadBalancer pool and allocator as any
 * Service's and stays stable across reloads; then the controller
 * (src/gateway/status.ts) writes every status.
 */
import type { Gateway } from "../api/gateway-types.js";
import { keepSource } from "../api/source.js";
import type { ConfigMap, KubeObject, Namespace, Secret, Service, ServicePort } from "../api/types.js";
import { GATEWAY_KIND_INFOS } from "../api/validation/gateway/kinds.js";
import { withDefaults } from "../api/validation/gateway/schema.js";
import { type GatewayApiState, gatewayStatus } from "../gateway/status.js";
import { SYSTEM_ANNOTATION } from "./system-names.js";

const KINDS = new Set(GATEWAY_KIND_INFOS.map((k) => k.kind));
export const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

export function isGatewayKind(kind: string | undefined): boolean {
  return kind !== undefined && KINDS.has(kind);
}

/** Stored form: namespace defaulted (namespaced kinds), apiVersion kept, spec defaulted by the CRD. */
export function storedGatewayObject(o: KubeObject): KubeObject {
  const info = GATEWAY_KIND_INFOS.find((k) => k.kind === o.kind);
  const c = keepSource({ ...o } as KubeObject & { spec?: unknown }, o);
  c.metadata = { ...o.metadata };
  if (info?.namespaced) c.metadata.namespace = o.metadata?.namespace ?? "default";
  else delete c.metadata.namespace;
  c.metadata.generation ??= 1;
  const spec = (o as { spec?: unknown }).spec;
  if (spec !== undefined) c.spec = withDefaults(o.kind ?? "", spec);
  return c;
}

/** Which Gateways michi provisions: those of a GatewayClass that exists and that michi controls. */
export function controlledGateways(objects: readonly KubeObject[], classes?: readonly string[]): Gateway[] {
  const names = new Set(objects.filter((o) => o.kind === "GatewayClass").map((o) => o.metadata?.name ?? ""));
  return objects.filter((o): o is Gateway => {
    if (o.kind !== "Gateway") return false;
    const cls = (o as Gateway).spec?.gatewayClassName ?? "";
    return names.has(cls) && (classes === undefined || classes.includes(cls));
  });
}

export function gatewayServiceName(gw: Gateway): string {
  const n = `${gw.metadata?.name ?? ""}-${gw.spec?.gatewayClassName ?? ""}`;
  return n.length <= 63 ? n : n.slice(0, 63).replace(/-+$/, "");
}

/** The LoadBalancer Service that gives a Gateway its address. */
export function gatewayService(gw: Gateway): Service {
  const seen = new Set<string>();
  const ports: ServicePort[] = [];
  for (const l of gw.spec?.listeners ?? []) {
    const protocol = l.protocol === "UDP" ? "UDP" : "TCP";
    const k = `${protocol}/${l.port}`;
    if (seen.has(k)) continue;
    seen.add(k);
    ports.push({ name: `${protocol.toLowerCase()}-${l.port}`, protocol, port: l.port, targetPort: l.port });
  }
  if (ports.length === 0) ports.push({ name: "tcp-80", protocol: "TCP", port: 80, targetPort: 80 });
  const requested = (gw.spec?.addresses ?? []).find(
    (a) => (a.type ?? "IPAddress") === "IPAddress" && a.value,
  )?.value;
  const name = gw.metadata?.name ?? "";
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: gatewayServiceName(gw),
      namespace: gw.metadata?.namespace ?? "default",
      labels: { [GATEWAY_NAME_LABEL]: name },
      annotations: { [SYSTEM_ANNOTATION]: "true" },
    },
    spec: {
      type: "LoadBalancer",
      selector: { [GATEWAY_NAME_LABEL]: name },
      ports,
      ...(requested ? { loadBalancerIP: requested } : {}),
    },
  };
}

export interface GatewayControlPlaneInputs {
  objects: readonly KubeObject[];
  services: readonly Service[];
  secrets: readonly Secret[];
  configMaps: readonly ConfigMap[];
  namespaces: readonly Namespace[];
  controlledClasses?: readonly string[];
}

/** Status of every Gateway API object, addresses read from the Gateways' allocated Services. */
export function gatewayApiState(inputs: GatewayControlPlaneInputs): GatewayApiState {
  const addresses = new Map<string, string[]>();
  const byKey = new Map(inputs.services.map((s) => [`${s.metadata?.namespace}/${s.metadata?.name}`, s]));
  for (const gw of controlledGateways(inputs.objects, inputs.controlledClasses)) {
    const svc = byKey.get(`${gw.metadata?.namespace}/${gatewayServiceName(gw)}`);
    const ips = (svc?.status?.loadBalancer?.ingress ?? [])
      .map((i) => i.ip)
      .filter((ip): ip is string => !!ip);
    addresses.set(`${gw.metadata?.namespace}/${gw.metadata?.name}`, ips);
  }
  return gatewayStatus({
    ...inputs,
    addresses,
    ...(inputs.controlledClasses ? { controlledClasses: inputs.controlledClasses } : {}),
  });
}
