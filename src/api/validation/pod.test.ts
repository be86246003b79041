// Pod spec rules (shared by workload templates): containers, ports, probes, DNS.
import { describe, expect, it } from "vitest";
import type { Pod } from "../types.js";
import { check, DNS1123_LABEL_MSG, IP_MSG, merge, PORT_RANGE_MSG } from "./testing.js";

const base: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web-0" },
  spec: { containers: [{ name: "web", image: "nginx", ports: [{ name: "http", containerPort: 80 }] }] },
};
const pod = (spec: unknown) => merge(base, { spec });
const ctr = (c: unknown) => pod({ containers: [merge({ name: "web", image: "nginx" }, c)] });

describe("Pod validation", () => {
  it.each<{ desc: string; obj: Pod; errs: string[] }>([
    { desc: "a simple pod", obj: base, errs: [] },
    {
      desc: "containers are required",
      obj: pod({ containers: [] }),
      errs: ["spec.containers: Required value"],
    },
    {
      desc: "container names are unique (init containers too)",
      obj: pod({ containers: [{ name: "a", image: "x" }], initContainers: [{ name: "a", image: "y" }] }),
      errs: ['spec.initContainers[0].name: Duplicate value: "a"'],
    },
    {
      desc: "container name required",
      obj: pod({ containers: [{ image: "x" }] }),
      errs: ["spec.containers[0].name: Required value"],
    },
    {
      desc: "container name is a DNS label",
      obj: ctr({ name: "Web" }),
      errs: [`spec.containers[0].name: Invalid value: "Web": ${DNS1123_LABEL_MSG}`],
    },
    {
      desc: "image required",
      obj: pod({ containers: [{ name: "web" }] }),
      errs: ["spec.containers[0].image: Required value"],
    },
    {
      desc: "imagePullPolicy values",
      obj: ctr({ imagePullPolicy: "Sometimes" }),
      errs: [
        'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
      ],
    },
    {
      desc: "containerPort range",
      obj: ctr({ ports: [{ containerPort: 70000 }] }),
      errs: [`spec.containers[0].ports[0].containerPort: Invalid value: 70000: ${PORT_RANGE_MSG}`],
    },
    {
      desc: "containerPort required",
      obj: ctr({ ports: [{ name: "http" }] }),
      errs: ["spec.containers[0].ports[0].containerPort: Required value"],
    },
    {
      desc: "port names are IANA service names",
      obj: ctr({ ports: [{ name: "http_alt", containerPort: 8080 }] }),
      errs: [
        'spec.containers[0].ports[0].name: Invalid value: "http_alt": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      ],
    },
    {
      desc: "port names at most 15 characters",
      obj: ctr({ ports: [{ name: "metrics-exporter", containerPort: 9100 }] }),
      errs: [
        'spec.containers[0].ports[0].name: Invalid value: "metrics-exporter": must be no more than 15 characters',
      ],
    },
    {
      desc: "duplicate port names in a container",
      obj: ctr({
        ports: [
          { name: "http", containerPort: 80 },
          { name: "http", containerPort: 8080 },
        ],
      }),
      errs: ['spec.containers[0].ports[1].name: Duplicate value: "http"'],
    },
    {
      desc: "protocols",
      obj: ctr({ ports: [{ containerPort: 80, protocol: "tcp" }] }),
      errs: [
        'spec.containers[0].ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
      ],
    },
    {
      desc: "hostPort must match containerPort with hostNetwork",
      obj: pod({
        hostNetwork: true,
        containers: [{ name: "web", image: "x", ports: [{ containerPort: 80, hostPort: 8080 }] }],
      }),
      errs: [
        "spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true",
      ],
    },
    {
      desc: "two containers on one hostPort",
      obj: pod({
        containers: [
          { name: "a", image: "x", ports: [{ containerPort: 80, hostPort: 8080 }] },
          {
            name: "b",
            image: "x",
            ports: [
              { containerPort: 81, hostPort: 8080, protocol: "UDP" },
              { containerPort: 82, hostPort: 8080 },
            ],
          },
        ],
      }),
      errs: ['spec.containers[1].ports[1].hostPort: Duplicate value: "TCP//8080"'],
    },
    {
      desc: "env names required",
      obj: ctr({ env: [{ value: "x" }] }),
      errs: ["spec.containers[0].env[0].name: Required value"],
    },
    {
      desc: "env names without '='",
      obj: ctr({ env: [{ name: "A=B", value: "x" }] }),
      errs: [
        `spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
      ],
    },
    {
      desc: "probe ports",
      obj: ctr({
        readinessProbe: { httpGet: { path: "/", port: "HTTP" } },
        livenessProbe: { tcpSocket: { port: 0 } },
      }),
      errs: [
        'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "HTTP": must contain at least one letter (a-z)',
        `spec.containers[0].livenessProbe.tcpSocket.port: Invalid value: 0: ${PORT_RANGE_MSG}`,
      ],
    },
    {
      desc: "a probe needs a handler",
      obj: ctr({ readinessProbe: { periodSeconds: 5 } }),
      errs: ["spec.containers[0].readinessProbe: Required value: must specify a handler type"],
    },
    {
      desc: "a probe has one handler",
      obj: ctr({ livenessProbe: { httpGet: { port: 80 }, tcpSocket: { port: 80 } } }),
      errs: [
        "spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type",
      ],
    },
    {
      desc: "httpGet scheme",
      obj: ctr({ startupProbe: { httpGet: { port: 80, scheme: "http" } } }),
      errs: [
        'spec.containers[0].startupProbe.httpGet.scheme: Unsupported value: "http": supported values: "HTTP", "HTTPS"',
      ],
    },
    { desc: "exec probe", obj: ctr({ readinessProbe: { exec: { command: ["true"] } } }), errs: [] },
    {
      desc: "env value and valueFrom",
      obj: ctr({ env: [{ name: "A", value: "x", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }] }),
      errs: [
        'spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      ],
    },
    {
      desc: "nodeName and serviceAccountName are subdomains",
      obj: pod({ nodeName: "Node_1", serviceAccountName: "App" }),
      errs: [
        expect.stringMatching(/^spec\.nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain/),
        expect.stringMatching(
          /^spec\.serviceAccountName: Invalid value: "App": a lowercase RFC 1123 subdomain/,
        ),
      ],
    },
    {
      desc: "restartPolicy values",
      obj: pod({ restartPolicy: "Sometimes" }),
      errs: [
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      ],
    },
    { desc: "restartPolicy Never", obj: pod({ restartPolicy: "Never" }), errs: [] },
    {
      desc: "dnsPolicy values",
      obj: pod({ dnsPolicy: "ClusterFirstWithHostNetwork" }),
      errs: [
        'spec.dnsPolicy: Unsupported value: "ClusterFirstWithHostNetwork": supported values: "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"',
      ],
    },
    {
      desc: "dnsPolicy None needs dnsConfig",
      obj: pod({ dnsPolicy: "None" }),
      errs: ["spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"],
    },
    {
      desc: "dnsPolicy None needs a nameserver",
      obj: pod({ dnsPolicy: "None", dnsConfig: { searches: ["example.com"] } }),
      errs: [
        "spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None",
      ],
    },
    {
      desc: "dnsPolicy None with a config",
      obj: pod({ dnsPolicy: "None", dnsConfig: { nameservers: ["1.1.1.1"], searches: ["example.com."] } }),
      errs: [],
    },
    {
      desc: "at most 3 nameservers, each an IP",
      obj: pod({ dnsConfig: { nameservers: ["1.1.1.1", "8.8.8.8", "9.9.9.9", "dns.google"] } }),
      errs: [
        'spec.dnsConfig.nameservers: Invalid value: []string{"1.1.1.1", "8.8.8.8", "9.9.9.9", "dns.google"}: must not have more than 3 nameservers',
        `spec.dnsConfig.nameservers[3]: Invalid value: "dns.google": ${IP_MSG}`,
      ],
    },
    {
      desc: "at most 32 search domains",
      obj: pod({ dnsConfig: { searches: Array.from({ length: 33 }, (_, i) => `d${i}.example`) } }),
      errs: [
        expect.stringMatching(
          /^spec\.dnsConfig\.searches: Invalid value: \[\]string\{"d0\.example", .*: must not have more than 32 search paths$/,
        ),
      ],
    },
    {
      desc: "search list at most 2048 characters",
      obj: pod({
        dnsConfig: {
          searches: Array.from(
            { length: 9 },
            (_, i) => `${String(i).repeat(63)}.${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(40)}`,
          ),
        },
      }),
      errs: [
        expect.stringMatching(
          /must not have more than 2048 characters \(including spaces\) in the search list$/,
        ),
      ],
    },
    {
      desc: "dns options need names",
      obj: pod({ dnsConfig: { options: [{ value: "2" }] } }),
      errs: ["spec.dnsConfig.options[0]: Required value: Option.Name must not be empty"],
    },
    {
      desc: "hostname and subdomain are DNS labels",
      obj: pod({ hostname: "web.0", subdomain: "Web" }),
      errs: [
        'spec.hostname: Invalid value: "web.0": must not contain dots',
        `spec.subdomain: Invalid value: "Web": ${DNS1123_LABEL_MSG}`,
      ],
    },
    {
      desc: "hostAliases",
      obj: pod({ hostAliases: [{ ip: "10.0.0.x", hostnames: ["db.local"] }] }),
      errs: [`spec.hostAliases[0].ip: Invalid value: "10.0.0.x": ${IP_MSG}`],
    },
  ])("$desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });
});
