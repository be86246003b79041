/**
 * Namespace (core ValidateNamespace): the name is a DNS-1123 label (checked
 * with the metadata) and spec.finalizers are qualified names.
 */
import { type FieldError, invalid } from "./errors.js";
import { isQualifiedName } from "./labels.js";
import { Path } from "./path.js";
import { arr, rec } from "./values.js";

export function validateNamespaceSpec(specValue: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const p = Path.root("spec").child("finalizers");
  arr(rec(specValue).finalizers).forEach((f, i) => {
    if (typeof f === "string")
      for (const m of isQualifiedName(f)) errs.push(invalid(p.at(["spec", "finalizers", i]), f, m));
  });
  return errs;
}
