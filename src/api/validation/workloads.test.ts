// Deployment/ReplicaSet/StatefulSet/DaemonSet rules: selectors and templates.
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { check, DNS1123_LABEL_MSG, LABEL_VALUE_MSG, merge } from "./testing.js";

const deployment: KubeObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web" },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web", tier: "front" } },
      spec: { containers: [{ name: "web", image: "nginx" }] },
    },
  },
};
const dep = (spec: unknown) => merge(deployment, { spec });
const as = (kind: string, spec: unknown = {}) => merge(deployment, { kind, spec });
/** Replace (not merge) the selector. */
const withSelector = (kind: string, selector: unknown) =>
  merge(
    merge(as(kind, kind === "DaemonSet" ? { replicas: undefined } : {}), { spec: { selector: undefined } }),
    {
      spec: { selector },
    },
  );

describe("workload validation", () => {
  it.each<{ desc: string; obj: KubeObject; errs: string[] }>([
    { desc: "a Deployment", obj: deployment, errs: [] },
    { desc: "a ReplicaSet", obj: as("ReplicaSet"), errs: [] },
    { desc: "a StatefulSet", obj: as("StatefulSet", { serviceName: "web" }), errs: [] },
    { desc: "a DaemonSet", obj: as("DaemonSet", { replicas: undefined }), errs: [] },
    {
      desc: "selector required (and then selects nothing)",
      obj: dep({ selector: undefined }),
      errs: [
        "spec.selector: Required value",
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "tier":"front"}: `selector` does not match template `labels`',
      ],
    },
    {
      desc: "empty selector",
      obj: withSelector("Deployment", {}),
      errs: [
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
      ],
    },
    {
      desc: "empty selector on a StatefulSet",
      obj: withSelector("StatefulSet", { matchLabels: {} }),
      errs: [
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset",
      ],
    },
    {
      desc: "empty selector on a DaemonSet",
      obj: withSelector("DaemonSet", {}),
      errs: [expect.stringMatching(/: empty selector is invalid for daemonset$/)],
    },
    {
      desc: "selector must match the template",
      obj: dep({ selector: { matchLabels: { app: "api" } } }),
      errs: [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "tier":"front"}: `selector` does not match template `labels`',
      ],
    },
    {
      desc: "matchExpressions match the template",
      obj: dep({
        selector: { matchExpressions: [{ key: "tier", operator: "In", values: ["front", "back"] }] },
      }),
      errs: [],
    },
    {
      desc: "matchExpressions that do not match",
      obj: dep({ selector: { matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] } }),
      errs: [
        expect.stringMatching(
          /^spec\.template\.metadata\.labels: .*`selector` does not match template `labels`$/,
        ),
      ],
    },
    {
      desc: "selector operators",
      obj: dep({
        selector: {
          matchLabels: { app: "web" },
          matchExpressions: [{ key: "tier", operator: "Equals", values: ["front"] }],
        },
      }),
      errs: [
        'spec.selector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator',
        // The selector cannot be parsed, so upstream says so again and skips the template.
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"tier", Operator:"Equals", Values:[]string{"front"}}}}: invalid label selector',
      ],
    },
    {
      desc: "In needs values",
      obj: dep({
        selector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In" }] },
      }),
      errs: [
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        expect.stringMatching(/^spec\.selector: Invalid value: .*: invalid label selector$/),
      ],
    },
    {
      desc: "Exists takes no values",
      obj: dep({
        selector: {
          matchLabels: { app: "web" },
          matchExpressions: [{ key: "tier", operator: "Exists", values: ["x"] }],
        },
      }),
      errs: [
        "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        expect.stringMatching(/: invalid label selector$/),
      ],
    },
    {
      desc: "selector values are label values",
      obj: dep({
        selector: {
          matchLabels: { app: "web" },
          matchExpressions: [{ key: "tier", operator: "NotIn", values: ["a b"] }],
        },
      }),
      errs: [
        `spec.selector.matchExpressions[0].values[0]: Invalid value: "a b": ${LABEL_VALUE_MSG}`,
        expect.stringMatching(/: invalid label selector$/),
      ],
    },
    {
      desc: "template labels are reported at spec.template.labels",
      obj: dep({
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web", v: "-1" } } },
      }),
      errs: [`spec.template.labels: Invalid value: "-1": ${LABEL_VALUE_MSG}`],
    },
    {
      desc: "negative replicas",
      obj: dep({ replicas: -1 }),
      errs: ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"],
    },
    {
      desc: "template restartPolicy must be Always",
      obj: dep({ template: { spec: { restartPolicy: "Never" } } }),
      errs: ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    },
    {
      desc: "template pod spec is validated",
      obj: dep({ template: { spec: { containers: [] } } }),
      errs: ["spec.template.spec.containers: Required value"],
    },
    {
      desc: "an unusable selector hides template errors, as upstream",
      obj: dep({
        selector: { matchLabels: { app: "web", "bad key": "x" } },
        template: { spec: { containers: [] } },
      }),
      errs: [
        expect.stringMatching(/^spec\.selector\.matchLabels: Invalid value: "bad key": /),
        expect.stringMatching(/invalid label selector$/),
      ],
    },
    {
      desc: "an absent template is an empty one",
      obj: dep({ template: undefined }),
      errs: [
        "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`",
        "spec.template.spec.containers: Required value",
      ],
    },
    {
      desc: "a DaemonSet without a selector selects nothing (no Required error, as upstream)",
      obj: merge(as("DaemonSet", { replicas: undefined }), { spec: { selector: undefined } }),
      errs: [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "tier":"front"}: `selector` does not match template `labels`',
      ],
    },
    {
      desc: "a DaemonSet with an unparsable selector skips the match check",
      obj: withSelector("DaemonSet", { matchLabels: { app: "a b" } }),
      errs: [`spec.selector.matchLabels: Invalid value: "a b": ${LABEL_VALUE_MSG}`],
    },
    {
      desc: "a StatefulSet with an unparsable selector: Invalid without detail, template metadata skipped",
      obj: merge(withSelector("StatefulSet", { matchLabels: { app: "a b" } }), {
        spec: { template: { metadata: { labels: { "bad key": "x" } } } },
      }),
      errs: [
        `spec.selector.matchLabels: Invalid value: "a b": ${LABEL_VALUE_MSG}`,
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"a b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}',
      ],
    },
    {
      desc: "a StatefulSet's pod spec is not validated upstream: warnings only",
      obj: as("StatefulSet", { template: { spec: { containers: [{ name: "Web", image: "nginx" }] } } }),
      errs: [
        `spec.template.spec.containers[0].name: warning: Invalid value: "Web": ${DNS1123_LABEL_MSG} (the API server accepts the StatefulSet, but will reject its pods)`,
      ],
    },
    {
      desc: "a StatefulSet's restartPolicy is still checked",
      obj: as("StatefulSet", { template: { spec: { restartPolicy: "OnFailure" } } }),
      errs: ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'],
    },
    {
      desc: "a DaemonSet has no replicas (strict decoding)",
      obj: as("DaemonSet"),
      errs: ['strict decoding error: unknown field "spec.replicas"'],
    },
    {
      desc: "podManagementPolicy",
      obj: as("StatefulSet", { podManagementPolicy: "Random" }),
      errs: [`spec.podManagementPolicy: Invalid value: "Random": must be 'OrderedReady' or 'Parallel'`],
    },
  ])("$desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });
});
