/**
 * ConfigMap (core ValidateConfigMap): keys of data and binaryData are config
 * keys (`[-._a-zA-Z0-9]+`, not `.`/`..`/`..*`), a key may not be in both,
 * total size ≤ 1 MiB.
 */

import { base64ErrorOffset } from "./base64.js";
import { type FieldError, invalid, tooLong } from "./errors.js";
import { maxLenError, regexError } from "./names.js";
import { Path } from "./path.js";
import { rec } from "./values.js";

const CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+";
const configKeyRe = new RegExp(`^${CONFIG_KEY_FMT}$`);
const MAX_SIZE = 1024 * 1024;

export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push(maxLenError(253));
  if (!configKeyRe.test(value)) {
    errs.push(
      regexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        CONFIG_KEY_FMT,
        "key.name",
        "KEY_NAME",
        "key-name",
      ),
    );
  }
  if (value === ".") errs.push("must not be '.'");
  else if (value === "..") errs.push("must not be '..'");
  else if (value.startsWith("..")) errs.push("must not start with '..'");
  return errs;
}

export function validateConfigMap(obj: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const data = rec(obj.data);
  const binary = rec(obj.binaryData);
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    const p = Path.root("data").key(k);
    for (const m of isConfigMapKey(k)) errs.push(invalid(p, k, m));
    if (Object.hasOwn(binary, k)) errs.push(invalid(p, k, "duplicate of key present in binaryData"));
    if (typeof v === "string") total += Buffer.byteLength(v);
  }
  for (const [k, v] of Object.entries(binary)) {
    const p = Path.root("binaryData").key(k);
    for (const m of isConfigMapKey(k)) errs.push(invalid(p, k, m));
    if (Object.hasOwn(data, k)) errs.push(invalid(p, k, "duplicate of key present in data"));
    if (typeof v !== "string") continue;
    const off = base64ErrorOffset(v);
    if (off === undefined) total += Buffer.from(v, "base64").length;
    else {
      errs.push({
        type: "FieldTypeInvalid",
        path: p,
        value: { raw: JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}...` : v) },
        detail: `illegal base64 data at input byte ${off} (binaryData values are base64; put text in data)`,
      });
    }
  }
  if (total > MAX_SIZE) errs.push(tooLong(Path.raw("", []), MAX_SIZE));
  return errs;
}
