/**
 * Deployment, ReplicaSet, StatefulSet and DaemonSet specs (apps
 * validation): replicas ≥ 0, a required non-empty selector that selects the
 * template's own labels, the pod template (labels at `spec.template.labels`,
 * as upstream prints it) and restartPolicy Always.
 */
import {
  type FieldError,
  formatGoValue,
  type GoValue,
  goQuote,
  goStringMap,
  goStringSlice,
  invalid,
  notSupported,
  required,
} from "./errors.js";
import { validateAnnotations, validateLabels } from "./labels.js";
import { Path } from "./path.js";
import { validatePodSpec } from "./pod.js";
import { isEmptySelector, selectorMatches, validateLabelSelector } from "./selectors.js";
import { isRecord, num, rec, str } from "./values.js";

export type WorkloadKind = "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet";

// Upstream's ReplicaSet validation reuses the Deployment wording.
const EMPTY_SELECTOR_NAME: Record<WorkloadKind, string> = {
  Deployment: "deployment",
  ReplicaSet: "deployment",
  StatefulSet: "statefulset",
  DaemonSet: "daemonset",
};

/** `v1.LabelSelector{...}` as Go's %#v prints a selector. */
function goSelector(sel: Record<string, unknown>): GoValue {
  const ml = formatGoValue(goStringMap(isRecord(sel.matchLabels) ? sel.matchLabels : undefined));
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : undefined;
  const me =
    exprs === undefined
      ? "[]v1.LabelSelectorRequirement(nil)"
      : `[]v1.LabelSelectorRequirement{${exprs
          .map((e) => {
            const r = rec(e);
            const values = Array.isArray(r.values)
              ? formatGoValue(goStringSlice(r.values.map(String)))
              : "[]string(nil)";
            return `v1.LabelSelectorRequirement{Key:${goQuote(str(r.key) ?? "")}, Operator:${goQuote(str(r.operator) ?? "")}, Values:${values}}`;
          })
          .join(", ")}}`;
  return { raw: `v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}` };
}

export function validateWorkloadSpec(kind: WorkloadKind, specValue: unknown): FieldError[] {
  const path = Path.root("spec");
  const spec = rec(specValue);
  const errs: FieldError[] = [];

  if (kind !== "DaemonSet") {
    const replicas = num(spec.replicas);
    if (replicas !== undefined && replicas < 0) {
      errs.push(invalid(path.child("replicas"), replicas, "must be greater than or equal to 0"));
    }
  }

  const selector = spec.selector;
  const hasSelector = isRecord(selector);
  let selectorUsable = true;
  if (!hasSelector) errs.push(required(path.child("selector")));
  else {
    const selectorErrs = validateLabelSelector(selector, path.child("selector"));
    errs.push(...selectorErrs);
    if (isEmptySelector(selector)) {
      errs.push(
        invalid(
          path.child("selector"),
          goSelector(selector),
          `empty selector is invalid for ${EMPTY_SELECTOR_NAME[kind]}`,
        ),
      );
    }
    // LabelSelectorAsSelector fails on such a selector; upstream then reports it once more and
    // skips the whole pod template (so template errors only show once the selector is fixed).
    if (selectorErrs.length > 0) {
      errs.push(invalid(path.child("selector"), goSelector(selector), "invalid label selector"));
      selectorUsable = false;
    }
  }

  if (kind === "StatefulSet") {
    const pmp = str(spec.podManagementPolicy);
    if (pmp !== undefined && pmp !== "OrderedReady" && pmp !== "Parallel") {
      errs.push(notSupported(path.child("podManagementPolicy"), pmp, ["OrderedReady", "Parallel"]));
    }
  }

  if (!selectorUsable) return errs;
  const tpath = path.child("template");
  const template = spec.template;
  if (!isRecord(template)) {
    errs.push(required(tpath));
    return errs;
  }
  const tmeta = rec(template.metadata);
  const labels = rec(tmeta.labels);
  // A missing selector selects nothing (labels.Nothing()), so the template check fails too, as upstream reports.
  if (!hasSelector || !isEmptySelector(selector)) {
    if (!hasSelector || !selectorMatches(selector, labels)) {
      errs.push(
        invalid(
          tpath.child("metadata", "labels"),
          goStringMap(isRecord(tmeta.labels) ? tmeta.labels : undefined),
          "`selector` does not match template `labels`",
        ),
      );
    }
  }
  errs.push(
    ...validateLabels(
      tmeta.labels,
      Path.raw("spec.template.labels", ["spec", "template", "metadata", "labels"]),
    ),
  );
  errs.push(
    ...validateAnnotations(
      tmeta.annotations,
      Path.raw("spec.template.annotations", ["spec", "template", "metadata", "annotations"]),
    ),
  );
  const podSpec = rec(template.spec);
  errs.push(...validatePodSpec(template.spec, tpath.child("spec")));
  const rp = podSpec.restartPolicy;
  if (typeof rp === "string" && rp !== "Always") {
    errs.push(notSupported(tpath.child("spec", "restartPolicy"), rp, ["Always"]));
  }
  return errs;
}
