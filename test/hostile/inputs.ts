/**
 * Hostile inputs shared by the tests: YAML alias bombs of a given depth.
 */

/** 9 scalars, then `levels - 1` lists of 9 aliases to the previous: 9^levels nodes once expanded. */
export function aliasBomb(levels: number, inline = true): string {
  let y = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a0: &a0 [${Array(9).fill('"lol"').join(",")}]\n`;
  for (let i = 1; i < levels; i++) {
    const items = Array(9).fill(`*a${i - 1}`);
    y += inline
      ? `  a${i}: &a${i} [${items.join(",")}]\n`
      : `  a${i}: &a${i}\n${items.map((x) => `  - ${x}\n`).join("")}`;
  }
  return y;
}
