/**
 * Deployment, ReplicaSet, StatefulSet and DaemonSet specs (apps
 * validation): replicas ≥ 0, a required non-empty selector that selects the
 * template's own labels, the pod template (labels at `spec.template.labels`,
 * as upstream prints it) and restartPolicy Always.
 */
import {
  errorBody,
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
  if (kind === "StatefulSet") {
    // Defaulted to OrderedReady; upstream words this one as Invalid, not NotSupported.
    const pmp = str(spec.podManagementPolicy);
    if (pmp !== undefined && pmp !== "OrderedReady" && pmp !== "Parallel") {
      errs.push(invalid(path.child("podManagementPolicy"), pmp, "must be 'OrderedReady' or 'Parallel'"));
    }
  }

  const selector = spec.selector;
  const hasSelector = isRecord(selector);
  // DaemonSet validation never required a selector (a missing one just selects nothing).
  if (!hasSelector && kind !== "DaemonSet") errs.push(required(path.child("selector")));
  let selectorParses = true;
  if (hasSelector) {
    const selectorErrs = validateLabelSelector(selector, path.child("selector"));
    errs.push(...selectorErrs);
    // Whatever fails validation also fails LabelSelectorAsSelector.
    selectorParses = selectorErrs.length === 0;
    if (isEmptySelector(selector)) {
      const name = EMPTY_SELECTOR_NAME[kind];
      errs.push(
        invalid(path.child("selector"), goSelector(selector), `empty selector is invalid for ${name}`),
      );
    }
  }

  // The template is a struct upstream: absent means empty (no labels, no containers).
  const template = rec(spec.template);
  const tpath = path.child("template");
  const tmeta = rec(template.metadata);
  const labelsValue = isRecord(tmeta.labels) ? tmeta.labels : undefined;
  const mismatch = () =>
    invalid(
      tpath.child("metadata", "labels"),
      goStringMap(labelsValue),
      "`selector` does not match template `labels`",
    );
  // A missing selector is labels.Nothing(): it matches no labels. An empty one matches all.
  const matches = hasSelector && selectorMatches(selector, labelsValue ?? {});
  const metaErrs = () => [
    ...validateLabels(
      tmeta.labels,
      Path.raw("spec.template.labels", ["spec", "template", "metadata", "labels"]),
    ),
    ...validateAnnotations(
      tmeta.annotations,
      Path.raw("spec.template.annotations", ["spec", "template", "metadata", "annotations"]),
    ),
  ];
  const restartPolicy = (): FieldError[] => {
    const rp = rec(template.spec).restartPolicy;
    return typeof rp === "string" && rp !== "Always"
      ? [notSupported(tpath.child("spec", "restartPolicy"), rp, ["Always"])]
      : [];
  };

  switch (kind) {
    case "Deployment":
    case "ReplicaSet":
      // LabelSelectorAsSelector failing skips the whole template (ValidatePodTemplateSpecForReplicaSet).
      if (!selectorParses) {
        errs.push(invalid(path.child("selector"), goSelector(rec(selector)), "invalid label selector"));
        return errs;
      }
      if (!(hasSelector && isEmptySelector(selector)) && !matches) errs.push(mismatch());
      errs.push(...metaErrs(), ...validatePodSpec(template.spec, tpath.child("spec")), ...restartPolicy());
      return errs;
    case "StatefulSet":
      if (!selectorParses) errs.push(invalid(path.child("selector"), goSelector(rec(selector)), ""));
      else {
        if (!(hasSelector && isEmptySelector(selector)) && !matches) errs.push(mismatch());
        errs.push(...metaErrs());
      }
      // Upstream does not validate a StatefulSet's pod spec (ValidatePodTemplateSpecForStatefulSet
      // leaves it out); the StatefulSet is stored and creating its pods fails. Say so, as warnings.
      for (const e of validatePodSpec(template.spec, tpath.child("spec"))) {
        errs.push({
          ...e,
          severity: "warning",
          detail: `${errorBody(e)} (the API server accepts the StatefulSet, but will reject its pods)`,
        });
      }
      errs.push(...restartPolicy());
      return errs;
    case "DaemonSet":
      if (selectorParses && !matches && !(hasSelector && isEmptySelector(selector))) errs.push(mismatch());
      errs.push(...metaErrs(), ...validatePodSpec(template.spec, tpath.child("spec")), ...restartPolicy());
      return errs;
  }
}
