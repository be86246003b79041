import { describe, expect, it } from "vitest";
import { formatPath } from "./apply.js";
import { fromFieldsV1, leafPaths, mergeApplied, pathKey, removeAt, toFieldsV1 } from "./field-set.js";
import { schemaTable } from "./schema/schema.js";

const schema = schemaTable();
const SVC = "io.k8s.api.core.v1.Service";

describe("field sets (server-side apply)", () => {
  const svc = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", labels: { app: "web" } },
    spec: { selector: { app: "web" }, ports: [{ port: 80, protocol: "TCP", targetPort: 8080 }] },
  };

  it("names leaves as FieldsV1 does: struct fields, map keys, keyed list items", () => {
    const paths = leafPaths(schema, SVC, svc).map((p) => p.join(" "));
    expect(paths).toContain("f:metadata f:labels f:app");
    expect(paths).toContain("f:spec f:selector f:app");
    expect(paths).toContain('f:spec f:ports k:{"port":80,"protocol":"TCP"} .');
    expect(paths).toContain('f:spec f:ports k:{"port":80,"protocol":"TCP"} f:targetPort');
    expect(paths).not.toContain("f:metadata f:name");
  });

  it("round-trips through FieldsV1 and prints paths as the API server does", () => {
    const paths = leafPaths(schema, SVC, svc);
    const back = fromFieldsV1(toFieldsV1(paths));
    expect(new Set(back.map(pathKey))).toEqual(new Set(paths.map(pathKey)));
    expect(formatPath(["f:spec", 'k:{"port":80,"protocol":"TCP"}', "f:targetPort"])).toBe(
      '.spec[port=80,protocol="TCP"].targetPort',
    );
  });

  it("merges keyed lists by key and replaces atomic values; removes by path", () => {
    const live = {
      spec: {
        ports: [{ port: 80, protocol: "TCP", targetPort: 8080, name: "http" }],
        selector: { app: "web" },
      },
    };
    const applied = {
      spec: {
        ports: [
          { port: 80, protocol: "TCP", targetPort: 9090 },
          { port: 443, protocol: "TCP" },
        ],
      },
    };
    const merged = mergeApplied(schema, SVC, live, applied) as typeof live;
    expect(merged.spec.ports).toEqual([
      { port: 80, protocol: "TCP", targetPort: 9090, name: "http" },
      { port: 443, protocol: "TCP" },
    ]);
    expect(merged.spec.selector).toEqual({ app: "web" });
    removeAt(merged, ["f:spec", "f:ports", 'k:{"port":443,"protocol":"TCP"}', "."]);
    expect(merged.spec.ports).toHaveLength(1);
  });
});
