/**
 * Base64 as the API server decodes []byte fields (Secret data, ConfigMap
 * binaryData): Go's encoding/json uses base64.StdEncoding, padding required.
 * A bad value fails decoding before validation runs.
 */

/**
 * Go's base64.StdEncoding decode check: returns the byte offset Go reports
 * in "illegal base64 data at input byte N", or undefined when valid.
 * Go skips \r and \n; everything else must be the alphabet with correct padding.
 */
export function base64ErrorOffset(text: string): number | undefined {
  let count = 0;
  let padStart = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (c === "\n" || c === "\r") continue;
    if (c === "=") {
      if (padStart < 0) {
        // Padding may only start at the 3rd or 4th character of a quantum.
        if (count % 4 < 2) return i;
        padStart = count;
      }
      count++;
      continue;
    }
    if (padStart >= 0) return i;
    if (!/[A-Za-z0-9+/]/.test(c)) return i;
    count++;
  }
  if (count % 4 !== 0) return text.length;
  if (padStart >= 0 && count - padStart > 2) return text.length;
  return undefined;
}
