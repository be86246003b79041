/**
 * Secret (core ValidateSecret). stringData is merged into data by the API
 * server before validation, so its keys count as data keys. data values
 * must be base64 (decoding fails before validation otherwise); keys are
 * config keys; the type decides required keys (kubernetes.io/tls needs
 * tls.crt and tls.key).
 */

import { base64ErrorOffset } from "./base64.js";
import { isConfigMapKey } from "./configmap.js";
import { type FieldError, invalid, required, tooLong } from "./errors.js";
import { Path } from "./path.js";
import { rec, str } from "./values.js";

export const MAX_SECRET_SIZE = 1024 * 1024;

/** Decoded size of a valid base64 string. */
function decodedSize(text: string): number {
  return Buffer.from(text, "base64").length;
}

export function validateSecret(obj: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const dataPath = Path.root("data");
  const data = rec(obj.data);
  const stringData = rec(obj.stringData);
  const keys = new Set<string>();
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    keys.add(k);
    for (const m of isConfigMapKey(k)) errs.push(invalid(dataPath.key(k), k, m));
    if (typeof v === "string") {
      const off = base64ErrorOffset(v);
      if (off !== undefined) {
        errs.push({
          type: "FieldTypeInvalid",
          path: dataPath.key(k),
          value: "<secret contents redacted>",
          detail: `illegal base64 data at input byte ${off} (data values are base64; put plain text in stringData)`,
        });
      } else total += decodedSize(v);
    }
  }
  for (const [k, v] of Object.entries(stringData)) {
    if (!keys.has(k))
      for (const m of isConfigMapKey(k)) errs.push(invalid(dataPath.key(k).at(["stringData", k]), k, m));
    keys.add(k);
    if (typeof v === "string") total += Buffer.byteLength(v);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong(dataPath, MAX_SECRET_SIZE));

  const type = str(obj.type) ?? "Opaque";
  const annotations = rec(rec(obj.metadata).annotations);
  const need = (key: string, path: Path = dataPath.key(key)) => {
    if (!keys.has(key)) errs.push(required(path));
  };
  switch (type) {
    case "kubernetes.io/tls":
      need("tls.crt");
      need("tls.key");
      break;
    case "kubernetes.io/service-account-token":
      if (!str(annotations["kubernetes.io/service-account.name"])) {
        errs.push(
          required(Path.root("metadata").child("annotations").key("kubernetes.io/service-account.name")),
        );
      }
      break;
    case "kubernetes.io/dockercfg":
      need(".dockercfg");
      break;
    case "kubernetes.io/dockerconfigjson":
      need(".dockerconfigjson");
      break;
    case "kubernetes.io/basic-auth":
      // Upstream builds these paths from the literal "data[%s]".
      if (!keys.has("username") && !keys.has("password")) {
        errs.push(required(Path.raw("data[%s][username]", ["data"])));
        errs.push(required(Path.raw("data[%s][password]", ["data"])));
      }
      break;
    case "kubernetes.io/ssh-auth":
      if (!keys.has("ssh-privatekey")) errs.push(required(Path.raw("data[%s][ssh-privatekey]", ["data"])));
      break;
  }
  return errs;
}
