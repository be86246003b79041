import { describe, expect, it } from "vitest";
import { formatFieldPath } from "../api/diagnostics.js";
import { parseFieldPath } from "./lint-finding.js";

describe("parseFieldPath", () => {
  it.each([
    ["spec.ports[0].targetPort", ["spec", "ports", 0, "targetPort"]],
    [
      "metadata.annotations[alb.ingress.kubernetes.io/scheme]",
      ["metadata", "annotations", "alb.ingress.kubernetes.io/scheme"],
    ],
    ["spec.ingress[1].from[0].namespaceSelector", ["spec", "ingress", 1, "from", 0, "namespaceSelector"]],
  ])("%s", (text, path) => {
    expect(parseFieldPath(text)).toEqual(path);
    expect(formatFieldPath(path)).toBe(text);
  });
});
