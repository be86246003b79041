// validateObjects end to end: apiVersions, duplicates, pass-through, positions via the
// loader, the examples, and upstream corpora (ingress conformance, netpol-analyzer).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Diagnostic, formatDiagnostic } from "./diagnostics.js";
import { KINDS } from "./kinds.js";
import { loadManifests, parseManifests } from "./load.js";
import type { KubeObject } from "./types.js";
import { validateObject, validateObjects } from "./validate.js";
import { withSource } from "./validation/testing.js";

const errors = (d: readonly Diagnostic[]) => d.filter((x) => x.severity === "error");
const cm = (name: string, data: Record<string, string> = {}, ns?: string): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: ns ? { name, namespace: ns } : { name },
  data,
});

describe("validateObjects", () => {
  it("reports an apiVersion the kind is not served in, like a modern cluster", () => {
    const ing = withSource(
      { apiVersion: "extensions/v1beta1", kind: "Ingress", metadata: { name: "old" }, spec: {} },
      "ing.yaml",
      { apiVersion: 1 },
    );
    const r = validateObjects([ing]);
    expect(r.valid).toEqual([]);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'ing.yaml:1:3: Ingress default/old: no matches for kind "Ingress" in version "extensions/v1beta1"',
    ]);
    expect(r.diagnostics[0]?.code).toBe("NoKindMatch");
    expect(r.diagnostics[0]?.suggestion).toBe("use apiVersion: networking.k8s.io/v1");
  });

  it.each([...KINDS.values()].flatMap((k) => k.apiVersions.map((v) => [k.kind, v] as const)))(
    "serves %s in %s",
    (kind, apiVersion) => {
      expect(validateObject({ apiVersion, kind, metadata: { name: "x" } }).map((d) => d.code)).not.toContain(
        "NoKindMatch",
      );
    },
  );

  it("requires apiVersion", () => {
    expect(validateObject({ kind: "ConfigMap", metadata: { name: "x" } }).map((d) => d.message)).toEqual([
      "apiVersion not set",
    ]);
  });

  it("passes unknown kinds through untouched and silently", () => {
    const pvc: KubeObject = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "Not A Valid Name" },
    };
    const r = validateObjects([pvc, cm("a")]);
    expect(r.valid[0]).toBe(pvc);
    expect(r.valid).toHaveLength(2);
    expect(r.diagnostics).toEqual([]);
  });

  it("reports every error of every object and keeps only the valid ones", () => {
    const bad1 = cm("Bad_Name", { "a/b": "x" });
    const bad2: KubeObject = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "svc" },
      spec: { ports: [{ port: 0 }, { port: 70000 }] },
    };
    const good = cm("good");
    const r = validateObjects([bad1, good, bad2]);
    expect(r.valid).toEqual([good]);
    expect(errors(r.diagnostics).map((d) => `${d.kind} ${d.name}: ${d.field}`)).toEqual([
      "ConfigMap Bad_Name: metadata.name",
      "ConfigMap Bad_Name: data[a/b]",
      "Service svc: spec.ports[0].name",
      "Service svc: spec.ports[0].port",
      "Service svc: spec.ports[1].name",
      "Service svc: spec.ports[1].port",
    ]);
  });

  it("lets the later of two same-named objects win, with a warning", () => {
    const first = withSource(cm("cfg", { v: "1" }), "a.yaml");
    const second = withSource(cm("cfg", { v: "2" }, "default"), "b.yaml");
    const other = cm("cfg", { v: "3" }, "prod");
    const r = validateObjects([first, other, second]);
    expect(r.valid).toEqual([other, second]);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      "b.yaml:1:1: ConfigMap default/cfg: warning: ConfigMap default/cfg is also defined at a.yaml:1:1; the later definition wins, as with kubectl apply",
    ]);
    expect(r.diagnostics[0]?.code).toBe("DuplicateObject");
  });

  it("keeps the earlier object when the later duplicate is rejected", () => {
    const first = cm("cfg", { v: "1" });
    const second = cm("cfg", { "bad key": "2" });
    const r = validateObjects([first, second]);
    expect(r.valid).toEqual([first]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["FieldValueInvalid"]);
  });

  it("never changes its input", () => {
    const svc = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: { ports: [{ port: 80 }] },
    };
    const before = structuredClone(svc);
    validateObjects([deepFreeze(svc)]);
    expect(svc).toEqual(before);
  });

  it("never throws, whatever the manifest holds", () => {
    const kinds = [...KINDS.keys()];
    const anyValue = fc.anything({ maxDepth: 4, withNullPrototype: false });
    const field = fc.oneof(
      anyValue,
      fc.record({
        ports: fc.array(
          fc.dictionary(fc.constantFrom("port", "name", "protocol", "targetPort", "nodePort"), anyValue),
        ),
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...kinds), field, anyValue, (kind, spec, metadata) => {
        const info = KINDS.get(kind);
        const obj = {
          apiVersion: info?.apiVersions[0],
          kind,
          metadata,
          spec,
          data: spec,
          subsets: spec,
          endpoints: spec,
        };
        expect(() => validateObjects([obj as KubeObject])).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

describe("with the loader", () => {
  it("prints FILE:LINE:COL: KIND NS/NAME: FIELD: message at the offending value", () => {
    const text = [
      "apiVersion: v1",
      "kind: Service",
      "metadata:",
      "  name: web",
      "  labels:",
      "    enabled: yes",
      "spec:",
      "  ports:",
      "    - name: http",
      "      port: 0",
      "",
    ].join("\n");
    const loaded = parseManifests(text, "svc.yaml");
    expect(validateObjects(loaded.objects).diagnostics.map(formatDiagnostic)).toEqual([
      'svc.yaml:6:14: Service default/web: metadata.labels[enabled]: Invalid value: true: json: cannot unmarshal bool into Go value of type string; YAML 1.1 (which Kubernetes uses) reads the unquoted yes as a boolean; quote it: "yes"',
      "svc.yaml:10:13: Service default/web: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
    ]);
  });

  it.each(["examples/my-app", "examples/idp-system"])("%s validates with zero errors", async (dir) => {
    const loaded = await loadManifests([join(process.cwd(), dir)]);
    const r = validateObjects(loaded.objects);
    expect(errors(r.diagnostics).map(formatDiagnostic)).toEqual([]);
    expect(r.valid).toHaveLength(loaded.objects.length);
  });
});

// The Ingress objects of the upstream ingress-controller conformance suite (Gherkin
// docstrings) are all meant to be accepted by the API server.
describe("the ingress-controller-conformance Ingresses", () => {
  const root = join(process.cwd(), "test/fixtures/reference/ingress-controller-conformance");
  const features = readdirSync(root).filter((f) => f.endsWith(".feature"));
  it.each(features)("%s", (feature) => {
    const text = readFileSync(join(root, feature), "utf8");
    const docs = [...text.matchAll(/"""\n([\s\S]*?)\n\s*"""/g)].map((m) => m[1] ?? "");
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      // Docstrings are indented with the scenario; strip the common indent.
      const lines = doc.split("\n");
      const indent = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => l.search(/\S/)));
      let yaml = lines.map((l) => l.slice(indent)).join("\n");
      // Some steps give only the spec ("an Ingress resource named X with this spec").
      if (!/^kind:/m.test(yaml)) {
        const spec = yaml.split("\n").map((l) => `  ${l}`);
        yaml = [
          "apiVersion: networking.k8s.io/v1",
          "kind: Ingress",
          "metadata:",
          "  name: spec-only",
          "spec:",
          ...spec,
        ].join("\n");
      }
      const loaded = parseManifests(yaml, feature);
      expect(loaded.objects.map((o) => o.kind)).toContain("Ingress");
      const r = validateObjects(loaded.objects);
      expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    }
  });
});

// np-guard/netpol-analyzer's deliberately broken policies. Each subdir holds the
// online-boutique workloads (all valid) plus one policy file.
describe("the netpol-analyzer bad_netpols corpus", () => {
  const root = join(process.cwd(), "test/load/fixtures/corpus/netpol-analyzer-inputs/bad_netpols");
  const CIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
  const cases: { dir: string; file: string; needle: string; expected: string[] }[] = [
    {
      dir: "subdir1",
      file: "netpols.yaml",
      needle: "cidr: A",
      expected: [
        `NetworkPolicy default/shippingservice-netpol: spec.ingress[2].from[0].ipBlock.cidr: Invalid value: "A": ${CIDR}`,
      ],
    },
    {
      dir: "subdir2",
      file: "netpols.yaml",
      needle: "app@b:",
      expected: [
        `NetworkPolicy default/shippingservice-netpol: spec.podSelector.matchLabels: Invalid value: "app@b": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      ],
    },
    {
      dir: "subdir3",
      file: "netpols.yaml",
      needle: "- podSelector:",
      expected: [
        "NetworkPolicy default/shippingservice-netpol: spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer",
      ],
    },
    {
      dir: "subdir4",
      file: "netpols.yaml",
      needle: "- {}",
      expected: [
        "NetworkPolicy default/shippingservice-netpol: spec.ingress[0].from[0]: Required value: must specify a peer",
      ],
    },
    // `port: abc` is a valid IANA port name, so the API server accepts the policy; the
    // analyzer flags it only because no selected pod has a container port named abc.
    { dir: "subdir5", file: "netpols.yaml", needle: "", expected: [] },
    // Same named port with an ipBlock peer: valid for the API server (IPs outside the
    // cluster simply never match a named port); the analyzer rejects the combination.
    { dir: "subdir6", file: "netpols.yaml", needle: "", expected: [] },
    {
      dir: "subdir7",
      file: "resources.yaml",
      needle: "app: $backendservice",
      expected: [
        `NetworkPolicy default/frontend-netpol: spec.egress[0].to[0].podSelector.matchLabels: Invalid value: "$backendservice": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      ],
    },
  ];

  it.each(cases)("$dir", async ({ dir, file, needle, expected }) => {
    const loaded = await loadManifests([join(root, dir)]);
    const r = validateObjects(loaded.objects);
    const errs = errors(r.diagnostics);
    expect(errs.map((d) => formatDiagnostic(withoutFile(d)))).toEqual(expected);
    expect(r.valid).toHaveLength(loaded.objects.length - expected.length);
    for (const d of errs) {
      // The position is the offending line of the policy file.
      const lines = readFileSync(join(root, dir, file), "utf8").split("\n");
      expect(d.file).toBe(join(root, dir, file));
      expect(lines[(d.line ?? 0) - 1]).toContain(needle);
    }
  });
});

function withoutFile(d: Diagnostic): Diagnostic {
  const { file: _file, line: _line, col: _col, ...rest } = d;
  return rest;
}

function deepFreeze<T>(o: T): T {
  if (typeof o === "object" && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
