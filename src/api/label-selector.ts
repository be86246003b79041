/**
 * Label selector matching as apimachinery's `labels.Selector` does it:
 * matchLabels and matchExpressions are ANDed; an empty selector matches
 * everything, a missing (null) one matches nothing (callers decide which applies).
 */
import type { LabelSelector, Labels } from "./types.js";

/** Service-style selector (a plain map): every key must be present with that value. */
export function matchesMap(selector: Labels, labels: Labels | undefined): boolean {
  for (const k in selector) {
    if (labels?.[k] !== selector[k]) return false;
  }
  return true;
}

export function matchesSelector(selector: LabelSelector, labels: Labels | undefined): boolean {
  if (selector.matchLabels && !matchesMap(selector.matchLabels, labels)) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = labels !== undefined && Object.hasOwn(labels, req.key);
    const value = has ? labels?.[req.key] : undefined;
    switch (req.operator) {
      case "In":
        if (!has || !(req.values ?? []).includes(value ?? "")) return false;
        break;
      case "NotIn":
        // NotIn matches objects without the key, as in apimachinery.
        if (has && (req.values ?? []).includes(value ?? "")) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
