/**
 * kubectl's table layout: upper-case headers, columns padded to the widest
 * cell and separated by three spaces, no trailing spaces. Used by the CLI
 * and, later, by the Kubernetes API server's Table output.
 */

export interface TableOptions {
  /** `--no-headers`: rows only. */
  noHeaders?: boolean;
}

export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const shown = options.noHeaders ? rows : [headers, ...rows];
  if (shown.length === 0) return "";
  const widths = headers.map((_h, i) => Math.max(...shown.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("   ")
      .trimEnd();
  return `${shown.map(line).join("\n")}\n`;
}
