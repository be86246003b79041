import { describe, expect, it } from "vitest";
import { formatCustomColumns, parseCustomColumns } from "./custom-columns.js";
import { compileTemplate, JSONPathError } from "./jsonpath.js";

const list = {
  kind: "List",
  items: [
    {
      metadata: { name: "a", labels: { app: "web", "app.kubernetes.io/name": "shop" } },
      spec: { containers: [{ name: "c1", ports: [{ containerPort: 80 }, { containerPort: 81 }] }] },
      status: { podIP: "10.0.0.1", phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
    },
    {
      metadata: { name: "b" },
      spec: { containers: [{ name: "c2" }, { name: "c3" }] },
      status: { phase: "Pending", conditions: [{ type: "Ready", status: "False" }] },
    },
  ],
};

describe("kubectl JSONPath templates", () => {
  it.each([
    ["{.items[*].metadata.name}", "a b"],
    ["{.items[0].metadata.name}", "a"],
    ["{.items[-1].metadata.name}", "b"],
    ["{.items[0:1].metadata.name}", "a"],
    ["{.kind}", "List"],
    ["kind={.kind}!", "kind=List!"],
    ["{.items[*].status.podIP}", "10.0.0.1"],
    ['{.items[?(@.status.phase=="Running")].metadata.name}', "a"],
    ["{.items[?(@.status.phase!='Running')].metadata.name}", "b"],
    ["{.items[?(@.status.podIP)].metadata.name}", "a"],
    ['{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}', "a\tRunning\nb\tPending\n"],
    ["{range .items[*]}[{range .spec.containers[*]}{.name},{end}]{end}", "[c1,][c2,c3,]"],
    ["{.items[0].metadata.labels.app\\.kubernetes\\.io/name}", "shop"],
    ["{.items[0].metadata.labels['app.kubernetes.io/name']}", "shop"],
    ["{.items[0].metadata.labels}", '{"app":"web","app.kubernetes.io/name":"shop"}'],
    ["{..containerPort}", "80 81"],
    ["{.items[0].spec.containers[0].ports[*].containerPort}", "80 81"],
    ["{.items[?(@.spec.containers[0].ports[0].containerPort>=80)].metadata.name}", "a"],
    ['{.items[*].status.conditions[?(@.type=="Ready")].status}', "True False"],
    ["{.items[*]['metadata.name']}", ""],
    ["{.items[0].metadata['name','labels']}", 'a {"app":"web","app.kubernetes.io/name":"shop"}'],
    ["{.no.such.key}", ""],
    ["{$.kind}", "List"],
    ["{@.kind}", "List"],
  ])("%s", (template, want) => {
    expect(compileTemplate(template).execute(list)).toBe(want);
  });
  it.each([["{.items[0"], ["{range .items[*]}{.x}"], ["{end}"], ["{.items[?(@.x==)]}"]])(
    "rejects %s",
    (template) => {
      expect(() => compileTemplate(template)).toThrow(JSONPathError);
    },
  );
});

describe("custom-columns", () => {
  it("prints one column per spec, <none> for no value, commas between several", () => {
    const cols = parseCustomColumns(
      "NAME:.metadata.name,IP:{.status.podIP},CONTAINERS:spec.containers[*].name",
    );
    expect(formatCustomColumns(cols, list.items)).toBe(
      ["NAME   IP         CONTAINERS", "a      10.0.0.1   c1", "b      <none>     c2,c3", ""].join("\n"),
    );
    expect(formatCustomColumns(cols, list.items, { noHeaders: true })).toBe(
      ["a   10.0.0.1   c1", "b   <none>     c2,c3", ""].join("\n"),
    );
  });
  it("rejects a spec without a header", () => {
    expect(() => parseCustomColumns(".metadata.name")).toThrow(/expected <header>:<json-path-expr>/);
  });
});
