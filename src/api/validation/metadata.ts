/**
 * ObjectMeta on create (apimachinery ValidateObjectMeta): name or
 * generateName, the kind's name format, namespace format for namespaced
 * kinds, labels, annotations. A namespace on a cluster-scoped object is
 * silently cleared by the API server, so it is not an error.
 */
import { type FieldError, invalid, required } from "./errors.js";
import { validateAnnotations, validateLabels } from "./labels.js";
import { type NameFn, nameIsDNSLabel } from "./names.js";
import { Path } from "./path.js";
import { rec, str } from "./values.js";

export function validateObjectMeta(metadata: unknown, namespaced: boolean, nameFn: NameFn): FieldError[] {
  const path = Path.root("metadata");
  const meta = rec(metadata);
  const errs: FieldError[] = [];
  const name = str(meta.name) ?? "";
  const generateName = str(meta.generateName) ?? "";
  if (generateName !== "") {
    for (const m of nameFn(generateName, true))
      errs.push(invalid(path.child("generateName"), generateName, m));
  }
  if (name === "") {
    // With generateName the server makes the name up; without, it is required.
    if (generateName === "") errs.push(required(path.child("name"), "name or generateName is required"));
  } else {
    for (const m of nameFn(name, false)) errs.push(invalid(path.child("name"), name, m));
  }
  if (namespaced) {
    const ns = str(meta.namespace);
    // An absent namespace means the one kubectl targets: "default".
    if (ns !== undefined && ns !== "") {
      for (const m of nameIsDNSLabel(ns, false)) errs.push(invalid(path.child("namespace"), ns, m));
    }
  }
  errs.push(...validateLabels(meta.labels, path.child("labels")));
  errs.push(...validateAnnotations(meta.annotations, path.child("annotations")));
  return errs;
}
