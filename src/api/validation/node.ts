/**
 * Node (core ValidateNode, the spec parts michi uses): podCIDRs valid CIDRs,
 * at most one per IP family. v1's `podCIDR` becomes `podCIDRs[0]` before
 * validation, so errors name `spec.podCIDRs`, as upstream.
 */
import { type FieldError, goStringSlice, invalid } from "./errors.js";
import { parseCIDRSloppy, validateCIDR } from "./ip.js";
import { Path } from "./path.js";
import { arr, rec, str } from "./values.js";

export function validateNodeSpec(specValue: unknown): FieldError[] {
  const spec = rec(specValue);
  const given = arr(spec.podCIDRs).filter((c): c is string => typeof c === "string");
  const single = str(spec.podCIDR);
  const fromSingle = given.length === 0 && single !== undefined && single !== "";
  const cidrs = fromSingle ? [single] : given;
  const errs: FieldError[] = [];
  cidrs.forEach((c, i) => {
    const p = Path.raw(`spec.podCIDRs[${i}]`, fromSingle ? ["spec", "podCIDR"] : ["spec", "podCIDRs", i]);
    errs.push(...validateCIDR(p, c).filter((e) => e.severity !== "warning"));
  });
  if (cidrs.length > 1) {
    const families = cidrs.map((c) => parseCIDRSloppy(c)?.family);
    if (cidrs.length > 2 || new Set(families).size !== cidrs.length) {
      errs.push(
        invalid(
          Path.root("spec").child("podCIDRs"),
          goStringSlice(cidrs),
          "may specify no more than one CIDR for each IP family",
        ),
      );
    }
  }
  return errs;
}
