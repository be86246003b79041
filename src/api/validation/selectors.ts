/**
 * Label selectors (metav1 validation): matchLabels as labels, each
 * matchExpressions entry with a known operator, values required for
 * In/NotIn and forbidden for Exists/DoesNotExist, keys qualified names and
 * values valid label values. Also the matcher workloads need to check that
 * their selector selects their own template.
 */
import { matchesSelector } from "../label-selector.js";
import type { LabelSelector, LabelSelectorRequirement, Labels } from "../types.js";
import { type FieldError, forbidden, invalid, required } from "./errors.js";
import { isRecord, isValidLabelValue, validateLabelName, validateLabels } from "./labels.js";
import type { Path } from "./path.js";

export function validateLabelSelector(selector: unknown, path: Path): FieldError[] {
  if (!isRecord(selector)) return [];
  const errs = validateLabels(selector.matchLabels, path.child("matchLabels"));
  const exprs = selector.matchExpressions;
  if (Array.isArray(exprs)) {
    exprs.forEach((e, i) => {
      errs.push(...validateRequirement(e, path.child("matchExpressions").index(i)));
    });
  }
  return errs;
}

function validateRequirement(req: unknown, path: Path): FieldError[] {
  if (!isRecord(req)) return [];
  const errs: FieldError[] = [];
  const values = Array.isArray(req.values) ? req.values : [];
  switch (req.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) {
        errs.push(required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) {
        errs.push(
          forbidden(
            path.child("values"),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
      }
      break;
    default:
      errs.push(
        invalid(
          path.child("operator"),
          typeof req.operator === "string" ? req.operator : "",
          "not a valid selector operator",
        ),
      );
  }
  if (typeof req.key === "string") errs.push(...validateLabelName(req.key, path.child("key")));
  values.forEach((v, i) => {
    if (typeof v === "string")
      for (const m of isValidLabelValue(v)) errs.push(invalid(path.child("values").index(i), v, m));
  });
  return errs;
}

/** True when the selector has no requirements at all (selects everything). */
export function isEmptySelector(selector: unknown): boolean {
  if (!isRecord(selector)) return true;
  const ml = isRecord(selector.matchLabels) ? Object.keys(selector.matchLabels).length : 0;
  const me = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.length : 0;
  return ml + me === 0;
}

/**
 * Does a selector select these labels? The input is not validated yet, so it
 * is first read into a typed selector (anything structurally unusable
 * matches nothing), then matched by the one matcher everyone uses.
 */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, unknown>>): boolean {
  if (!isRecord(selector)) return false;
  const typed: LabelSelector = {};
  if (isRecord(selector.matchLabels)) typed.matchLabels = selector.matchLabels as Labels;
  if (Array.isArray(selector.matchExpressions)) {
    const exprs: LabelSelectorRequirement[] = [];
    for (const e of selector.matchExpressions) {
      if (!isRecord(e) || typeof e.key !== "string") return false;
      exprs.push({
        key: e.key,
        operator: e.operator as LabelSelectorRequirement["operator"],
        values: Array.isArray(e.values) ? (e.values as string[]) : [],
      });
    }
    typed.matchExpressions = exprs;
  }
  return matchesSelector(typed, labels as Labels);
}
