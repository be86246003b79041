// Service rules: ports, types, cluster IPs, affinity, traffic policies, LB fields.
import { describe, expect, it } from "vitest";
import type { Service } from "../types.js";
import { CIDR_MSG, check, DNS1035_MSG, DNS1123_LABEL_MSG, IP_MSG, merge, PORT_RANGE_MSG } from "./testing.js";

const base: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "default" },
  spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] },
};
const svc = (spec: unknown, meta: unknown = {}) => merge(base, { spec, metadata: meta });
const ports = (...p: unknown[]) => svc({ ports: p });

describe("Service validation", () => {
  it.each<{ desc: string; obj: Service; errs: string[] }>([
    { desc: "a plain ClusterIP service", obj: base, errs: [] },
    {
      desc: "name must be a DNS-1035 label",
      obj: svc({}, { name: "1web" }),
      errs: [`metadata.name: Invalid value: "1web": ${DNS1035_MSG}`],
    },
    { desc: "ports are required", obj: svc({ ports: [] }), errs: ["spec.ports: Required value"] },
    { desc: "headless needs no ports", obj: svc({ ports: [], clusterIP: "None" }), errs: [] },
    {
      desc: "ExternalName needs no ports",
      obj: svc({ ports: [], type: "ExternalName", externalName: "db.example.com" }),
      errs: [],
    },
    {
      desc: "port 0",
      obj: ports({ port: 0 }),
      errs: [`spec.ports[0].port: Invalid value: 0: ${PORT_RANGE_MSG}`],
    },
    {
      desc: "port missing",
      obj: ports({ targetPort: 80 }),
      errs: [`spec.ports[0].port: Invalid value: 0: ${PORT_RANGE_MSG}`],
    },
    {
      desc: "port 65536",
      obj: ports({ port: 65536 }),
      errs: [`spec.ports[0].port: Invalid value: 65536: ${PORT_RANGE_MSG}`],
    },
    {
      desc: "names are required with several ports",
      obj: ports({ port: 80 }, { name: "https", port: 443 }),
      errs: ["spec.ports[0].name: Required value"],
    },
    { desc: "named ports", obj: ports({ name: "http", port: 80 }, { name: "https", port: 443 }), errs: [] },
    {
      desc: "duplicate port names",
      obj: ports({ name: "http", port: 80 }, { name: "http", port: 81 }),
      errs: ['spec.ports[1].name: Duplicate value: "http"'],
    },
    {
      desc: "port names are DNS-1123 labels",
      obj: ports({ name: "Http", port: 80 }),
      errs: [`spec.ports[0].name: Invalid value: "Http": ${DNS1123_LABEL_MSG}`],
    },
    {
      desc: "duplicate protocol+port",
      obj: ports({ name: "a", port: 80 }, { name: "b", port: 80, protocol: "TCP" }),
      errs: [
        'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
      ],
    },
    {
      desc: "same port, other protocol",
      obj: ports({ name: "a", port: 53 }, { name: "b", port: 53, protocol: "UDP" }),
      errs: [],
    },
    {
      desc: "protocol values",
      obj: ports({ port: 80, protocol: "HTTP" }),
      errs: ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
    },
    { desc: "targetPort by name", obj: ports({ port: 80, targetPort: "http" }), errs: [] },
    { desc: "targetPort 0 defaults to port", obj: ports({ port: 80, targetPort: 0 }), errs: [] },
    {
      desc: "targetPort out of range",
      obj: ports({ port: 80, targetPort: 70000 }),
      errs: [`spec.ports[0].targetPort: Invalid value: 70000: ${PORT_RANGE_MSG}`],
    },
    {
      desc: "a quoted number is a name, and names need a letter",
      obj: ports({ port: 80, targetPort: "8080" }),
      errs: ['spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)'],
    },
    {
      desc: "type values",
      obj: svc({ type: "Foo" }),
      errs: [
        'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ],
    },
    {
      desc: "nodePort in range",
      obj: svc({ type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }),
      errs: [],
    },
    {
      desc: "nodePort out of range",
      obj: svc({ type: "NodePort", ports: [{ port: 80, nodePort: 80 }] }),
      errs: [
        "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767",
      ],
    },
    {
      desc: "nodePort forbidden for ClusterIP",
      obj: svc({ ports: [{ port: 80, nodePort: 30080 }] }),
      errs: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    },
    {
      desc: "duplicate nodePorts",
      obj: svc({
        type: "NodePort",
        ports: [
          { name: "a", port: 80, nodePort: 30080 },
          { name: "b", port: 81, nodePort: 30080 },
        ],
      }),
      errs: ["spec.ports[1].nodePort: Duplicate value: 30080"],
    },
    {
      desc: "ExternalName needs externalName",
      obj: svc({ type: "ExternalName" }),
      errs: ["spec.externalName: Required value"],
    },
    {
      desc: "ExternalName with a trailing dot",
      obj: svc({ type: "ExternalName", externalName: "db.example.com." }),
      errs: [],
    },
    {
      desc: "ExternalName must be a DNS subdomain",
      obj: svc({ type: "ExternalName", externalName: "db_1.example.com" }),
      errs: [
        `spec.externalName: Invalid value: "db_1.example.com": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ],
    },
    {
      desc: "ExternalName with a clusterIP",
      obj: svc({ type: "ExternalName", externalName: "db.example.com", clusterIP: "10.96.0.5" }),
      errs: ["spec.clusterIPs: Forbidden: may not be set for ExternalName services"],
    },
    {
      desc: "headless NodePort",
      obj: svc({ type: "NodePort", clusterIP: "None" }),
      errs: [`spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`],
    },
    {
      desc: "headless LoadBalancer",
      obj: svc({ type: "LoadBalancer", clusterIP: "None" }),
      errs: [`spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for LoadBalancer services`],
    },
    {
      desc: "clusterIP must be an IP",
      obj: svc({ clusterIP: "10.96.0.300" }),
      errs: [`spec.clusterIPs[0]: Invalid value: "10.96.0.300": ${IP_MSG}`],
    },
    {
      desc: "clusterIPs[0] must match clusterIP",
      obj: svc({ clusterIP: "10.96.0.5", clusterIPs: ["10.96.0.6"] }),
      errs: ['spec.clusterIPs: Invalid value: []string{"10.96.0.6"}: first value must match `clusterIP`'],
    },
    {
      desc: "two IPs of one family",
      obj: svc({ clusterIP: "10.96.0.5", clusterIPs: ["10.96.0.5", "10.96.0.6"] }),
      errs: [
        'spec.clusterIPs: Invalid value: []string{"10.96.0.5", "10.96.0.6"}: may specify no more than one IP for each IP family',
      ],
    },
    {
      desc: "dual stack",
      obj: svc({ clusterIPs: ["10.96.0.5", "fd00::5"], ipFamilies: ["IPv4", "IPv6"] }),
      errs: [],
    },
    {
      desc: "ipFamilies values",
      obj: svc({ ipFamilies: ["IPv5"] }),
      errs: ['spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"'],
    },
    {
      desc: "clusterIP against ipFamilies",
      obj: svc({ clusterIP: "10.96.0.5", ipFamilies: ["IPv6"] }),
      errs: [
        'spec.clusterIPs[0]: Invalid value: "10.96.0.5": expected an IPv6 value as indicated by `ipFamilies[0]`',
      ],
    },
    {
      desc: "ipFamilyPolicy values",
      obj: svc({ ipFamilyPolicy: "Dual" }),
      errs: [
        'spec.ipFamilyPolicy: Unsupported value: "Dual": supported values: "PreferDualStack", "RequireDualStack", "SingleStack"',
      ],
    },
    {
      desc: "sessionAffinity values",
      obj: svc({ sessionAffinity: "Cookie" }),
      errs: ['spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"'],
    },
    { desc: "ClientIP affinity, default timeout", obj: svc({ sessionAffinity: "ClientIP" }), errs: [] },
    {
      desc: "ClientIP timeout 86400 is the maximum",
      obj: svc({
        sessionAffinity: "ClientIP",
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 86400 } },
      }),
      errs: [],
    },
    {
      desc: "ClientIP timeout 0",
      obj: svc({ sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } }),
      errs: [
        "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400",
      ],
    },
    {
      desc: "ClientIP timeout too long",
      obj: svc({
        sessionAffinity: "ClientIP",
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } },
      }),
      errs: [
        "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400",
      ],
    },
    {
      desc: "affinity config without ClientIP",
      obj: svc({ sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } } }),
      errs: ["spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None"],
    },
    {
      desc: "externalTrafficPolicy on NodePort",
      obj: svc({ type: "NodePort", externalTrafficPolicy: "Local" }),
      errs: [],
    },
    {
      desc: "externalTrafficPolicy on ClusterIP",
      obj: svc({ externalTrafficPolicy: "Local" }),
      errs: [
        'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
      ],
    },
    {
      desc: "externalTrafficPolicy values",
      obj: svc({ type: "LoadBalancer", externalTrafficPolicy: "Global" }),
      errs: ['spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"'],
    },
    {
      desc: "internalTrafficPolicy values",
      obj: svc({ internalTrafficPolicy: "Node" }),
      errs: ['spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"'],
    },
    {
      desc: "healthCheckNodePort needs LoadBalancer + Local",
      obj: svc({ type: "NodePort", healthCheckNodePort: 30100 }),
      errs: [
        "spec.healthCheckNodePort: Invalid value: 30100: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ],
    },
    {
      desc: "loadBalancerSourceRanges",
      obj: svc({ type: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.0/8", " 192.168.0.0/16 "] }),
      errs: [],
    },
    {
      desc: "loadBalancerSourceRanges must be CIDRs",
      obj: svc({ type: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.1"] }),
      errs: [`spec.LoadBalancerSourceRanges[0]: Invalid value: "10.0.0.1": ${CIDR_MSG}`],
    },
    {
      desc: "loadBalancerSourceRanges only for LoadBalancer",
      obj: svc({ loadBalancerSourceRanges: ["10.0.0.0/8"] }),
      errs: ["spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"],
    },
    {
      desc: "source ranges annotation",
      obj: svc(
        { type: "LoadBalancer" },
        { annotations: { "service.beta.kubernetes.io/load-balancer-source-ranges": "10.0.0.0/8,bad" } },
      ),
      errs: [
        `metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Invalid value: "bad": ${CIDR_MSG}`,
      ],
    },
    {
      desc: "loadBalancerClass only for LoadBalancer",
      obj: svc({ loadBalancerClass: "example.com/lb" }),
      errs: ["spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"],
    },
    {
      desc: "loadBalancerClass",
      obj: svc({ type: "LoadBalancer", loadBalancerClass: "example.com/lb" }),
      errs: [],
    },
    {
      desc: "loadBalancerClass is a qualified name",
      obj: svc({ type: "LoadBalancer", loadBalancerClass: "a/b/c" }),
      errs: [
        expect.stringMatching(
          /^spec\.loadBalancerClass: Invalid value: "a\/b\/c": a qualified name must consist of/,
        ),
      ],
    },
    {
      desc: "allocateLoadBalancerNodePorts only for LoadBalancer",
      obj: svc({ type: "NodePort", allocateLoadBalancerNodePorts: false }),
      errs: ["spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'"],
    },
    { desc: "trafficDistribution", obj: svc({ trafficDistribution: "PreferClose" }), errs: [] },
    {
      desc: "trafficDistribution values",
      obj: svc({ trafficDistribution: "Nearest" }),
      errs: [
        'spec.trafficDistribution: Unsupported value: "Nearest": supported values: "PreferClose", "PreferSameZone", "PreferSameNode"',
      ],
    },
    {
      desc: "topology annotations must agree",
      obj: svc(
        {},
        {
          annotations: {
            "service.kubernetes.io/topology-mode": "Auto",
            "service.kubernetes.io/topology-aware-hints": "Disabled",
          },
        },
      ),
      errs: [
        'metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: "Auto": must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified',
      ],
    },
    {
      desc: "externalIPs must be usable",
      obj: svc({ externalIPs: ["203.0.113.7", "127.0.0.1"] }),
      errs: [
        'spec.externalIPs[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      ],
    },
    {
      desc: "selector labels",
      obj: svc({ selector: { app: "a b" } }),
      errs: [
        `spec.selector: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      ],
    },
  ])("$desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });

  it("takes the NodePort range as an option", () => {
    const obj = svc({ type: "NodePort", ports: [{ port: 80, nodePort: 20080 }] });
    expect(check(obj, { nodePortRange: { min: 20000, max: 22767 } })).toEqual([]);
    expect(check(obj)).toEqual([
      "spec.ports[0].nodePort: Invalid value: 20080: provided port is not in the valid range. The range of valid ports is 30000-32767",
    ]);
  });
});
