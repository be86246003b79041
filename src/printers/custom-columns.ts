/**
 * `-o custom-columns=HEADER:EXPR,…` as kubectl prints it: one column per
 * spec, each cell the values of the JSONPath expression for that object
 * joined by commas, `<none>` when there are none.
 */
import { compileExpression, JSONPathError, valueText } from "./jsonpath.js";
import { formatTable, type TableOptions } from "./table.js";

export interface CustomColumn {
  header: string;
  values: (obj: unknown) => unknown[];
}

/** Parses kubectl's `custom-columns=` spec (the part after `=`). */
export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec.trim() === "")
    throw new JSONPathError("custom-columns format specified but no custom columns given");
  return spec.split(",").map((part) => {
    const i = part.indexOf(":");
    if (i <= 0)
      throw new JSONPathError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, i), values: compileExpression(part.slice(i + 1)) };
  });
}

export function formatCustomColumns(
  columns: readonly CustomColumn[],
  objects: readonly unknown[],
  options: TableOptions = {},
): string {
  const rows = objects.map((o) =>
    columns.map((c) => {
      const vs = c.values(o);
      return vs.length === 0 ? "<none>" : vs.map(valueText).join(",");
    }),
  );
  return formatTable(
    columns.map((c) => c.header),
    rows,
    options,
  );
}
