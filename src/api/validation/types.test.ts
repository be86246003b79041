// Field types and unknown fields, as the API server's (strict) JSON decoding rejects them.
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../diagnostics.js";
import type { KubeObject } from "../types.js";
import { validateObject } from "../validate.js";
import { check, withSource } from "./testing.js";

/** Manifests as written, wrong types included. */
const raw = (o: unknown) => o as KubeObject;
const deployment = (labels: Record<string, unknown>, env: unknown[] = []): KubeObject =>
  raw({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", labels },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image: "nginx", env }] },
      },
    },
  });

describe("field types (JSON decoding)", () => {
  it.each<{ desc: string; obj: KubeObject; errs: string[] }>([
    { desc: "string label values", obj: deployment({ version: "1.0" }), errs: [] },
    {
      desc: "a number label value",
      obj: deployment({ version: 1.5 }),
      errs: [
        "metadata.labels[version]: Invalid value: 1.5: json: cannot unmarshal number into Go value of type string; quote the value to make it a string",
      ],
    },
    {
      desc: "a boolean label value",
      obj: deployment({ enabled: true }),
      errs: [
        "metadata.labels[enabled]: Invalid value: true: json: cannot unmarshal bool into Go value of type string; quote the value to make it a string",
      ],
    },
    {
      desc: "a number env value",
      obj: deployment({}, [{ name: "PORT", value: 8080 }]),
      errs: [
        "spec.template.spec.containers[0].env[0].value: Invalid value: 8080: json: cannot unmarshal number into Go value of type string; quote the value to make it a string",
      ],
    },
    {
      desc: "a string where an int32 belongs",
      obj: { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: "80" }] } },
      errs: [
        'spec.ports[0].port: Invalid value: "80": json: cannot unmarshal string into Go value of type int32',
      ],
    },
    {
      desc: "a fraction in an IntOrString",
      obj: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "s" },
        spec: { ports: [{ port: 80, targetPort: 80.5 }] },
      },
      errs: [
        "spec.ports[0].targetPort: Invalid value: 80.5: json: cannot unmarshal number 80.5 into Go value of type int32",
      ],
    },
    {
      desc: "a number beyond int32",
      obj: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "s" },
        spec: { ports: [{ port: 99999999999 }] },
      },
      errs: [
        "spec.ports[0].port: Invalid value: 99999999999: json: cannot unmarshal number 99999999999 into Go value of type int32",
      ],
    },
    {
      desc: "a string where a bool belongs",
      obj: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "s" },
        spec: { clusterIP: "None", publishNotReadyAddresses: "true" },
      },
      errs: [
        'spec.publishNotReadyAddresses: Invalid value: "true": json: cannot unmarshal string into Go value of type bool',
      ],
    },
    {
      desc: "ConfigMap data values are strings",
      obj: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { port: 8080 } },
      errs: [
        "data[port]: Invalid value: 8080: json: cannot unmarshal number into Go value of type string; quote the value to make it a string",
      ],
    },
    {
      desc: "a list where a map belongs",
      obj: raw({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", labels: ["a"] } }),
      errs: [
        "metadata.labels: Invalid value: [...]: json: cannot unmarshal array into Go value of type map[string]string",
      ],
    },
    {
      desc: "null is an absent value",
      obj: raw({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", labels: null } }),
      errs: [],
    },
  ])("$desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });

  it.each<{ desc: string; obj: KubeObject; errs: string[] }>([
    {
      desc: "a v1beta1 backend in a v1 Ingress",
      obj: raw({
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "i" },
        spec: {
          rules: [
            {
              http: {
                paths: [{ path: "/", pathType: "Prefix", backend: { serviceName: "web", servicePort: 80 } }],
              },
            },
          ],
        },
      }),
      errs: [
        'strict decoding error: unknown field "spec.rules[0].http.paths[0].backend.serviceName"',
        'strict decoding error: unknown field "spec.rules[0].http.paths[0].backend.servicePort"',
        'spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required',
      ],
    },
    {
      desc: "a misspelt Service port field",
      obj: raw({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "s" },
        spec: { ports: [{ port: 80, targetport: 8080 }] },
      }),
      errs: ['strict decoding error: unknown field "spec.ports[0].targetport"'],
    },
    {
      desc: "a misplaced selector",
      obj: raw({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "s" },
        selector: { app: "x" },
        spec: { clusterIP: "None" },
      }),
      errs: ['strict decoding error: unknown field "selector"'],
    },
    {
      desc: "a misspelt container field",
      obj: raw({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p" },
        spec: { containers: [{ name: "c", image: "i", imagePullpolicy: "Always" }] },
      }),
      errs: ['strict decoding error: unknown field "spec.containers[0].imagePullpolicy"'],
    },
    {
      desc: "known fields michi does not read are fine",
      obj: raw({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p", uid: "u", creationTimestamp: null, finalizers: [] },
        spec: {
          containers: [{ name: "c", image: "i", resources: {}, securityContext: {} }],
          tolerations: [],
        },
        status: {},
      }),
      errs: [],
    },
  ])("unknown fields: $desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });

  it("locates an unknown field at its key", () => {
    const obj = withSource(
      raw({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "s" },
        spec: { clusterIP: "None", typo: 1 },
      }),
      "s.yaml",
      { "spec.typo": 7 },
    );
    const [d] = validateObject(obj);
    expect(d && formatDiagnostic(d)).toBe(
      's.yaml:7:3: Service default/s: strict decoding error: unknown field "spec.typo"',
    );
    expect(d?.code).toBe("UnknownField");
  });

  it("explains YAML 1.1 booleans from the loader's record", () => {
    // The loader hands over the YAML 1.1 value (true) and the source text it came from.
    const obj = withSource(
      deployment({ enabled: true }),
      "app.yaml",
      { "metadata.labels.enabled": 6 },
      { "metadata.labels.enabled": "yes" },
    );
    expect(check(obj)).toEqual([
      'metadata.labels[enabled]: Invalid value: true: json: cannot unmarshal bool into Go value of type string; YAML 1.1 (which Kubernetes uses) reads the unquoted yes as a boolean; quote it: "yes"',
    ]);
    const off = withSource(deployment({ mode: false }), "app.yaml", {}, { "metadata.labels.mode": "off" });
    expect(check(off)[0]).toMatch(
      /Invalid value: false: .*reads the unquoted off as a boolean; quote it: "off"$/,
    );
  });

  it("explains YAML 1.1 numbers (sexagesimal) too", () => {
    const obj = withSource(deployment({ ttl: 90 }), "app.yaml", {}, { "metadata.labels.ttl": "1:30" });
    expect(check(obj)).toEqual([
      'metadata.labels[ttl]: Invalid value: 90: json: cannot unmarshal number into Go value of type string; YAML 1.1 (which Kubernetes uses) reads the unquoted 1:30 as a number; quote it: "1:30"',
    ]);
  });
});
