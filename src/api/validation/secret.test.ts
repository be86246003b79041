// Secret rules: keys, base64 values, size, per-type required keys.
import { describe, expect, it } from "vitest";
import type { Secret } from "../types.js";
import { check } from "./testing.js";

const secret = (fields: Record<string, unknown>): Secret =>
  ({ apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, ...fields }) as Secret;
const b64 = (s: string) => Buffer.from(s).toString("base64");
const CONFIG_KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name', or 'KEY_NAME', or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

describe("Secret validation", () => {
  it.each<{ desc: string; obj: Secret; errs: string[] }>([
    { desc: "an Opaque secret", obj: secret({ data: { password: b64("hunter2") } }), errs: [] },
    {
      desc: "a TLS secret",
      obj: secret({ type: "kubernetes.io/tls", data: { "tls.crt": b64("c"), "tls.key": b64("k") } }),
      errs: [],
    },
    {
      desc: "a TLS secret via stringData",
      obj: secret({ type: "kubernetes.io/tls", stringData: { "tls.crt": "c", "tls.key": "k" } }),
      errs: [],
    },
    {
      desc: "a TLS secret needs tls.crt and tls.key",
      obj: secret({ type: "kubernetes.io/tls", data: { "tls.cert": b64("c") } }),
      errs: ["data[tls.crt]: Required value", "data[tls.key]: Required value"],
    },
    {
      desc: "dockerconfigjson needs its key",
      obj: secret({ type: "kubernetes.io/dockerconfigjson", data: {} }),
      errs: ["data[.dockerconfigjson]: Required value"],
    },
    {
      desc: "basic-auth needs username or password (upstream's odd path)",
      obj: secret({ type: "kubernetes.io/basic-auth", data: {} }),
      errs: ["data[%s][username]: Required value", "data[%s][password]: Required value"],
    },
    {
      desc: "basic-auth with a username",
      obj: secret({ type: "kubernetes.io/basic-auth", stringData: { username: "u" } }),
      errs: [],
    },
    {
      desc: "service account token needs the annotation",
      obj: secret({ type: "kubernetes.io/service-account-token" }),
      errs: ["metadata.annotations[kubernetes.io/service-account.name]: Required value"],
    },
    {
      desc: "data keys are config keys",
      obj: secret({ data: { "a/b": b64("x") } }),
      errs: [`data[a/b]: Invalid value: "a/b": ${CONFIG_KEY_MSG}`],
    },
    {
      desc: "stringData keys too",
      obj: secret({ stringData: { "..x": "y" } }),
      errs: [`data[..x]: Invalid value: "..x": must not start with '..'`],
    },
    {
      desc: "data values are base64",
      obj: secret({ data: { password: "hunter2" } }),
      errs: [
        'data[password]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 7 (data values are base64; put plain text in stringData)',
      ],
    },
    {
      desc: "base64 may be wrapped",
      obj: secret({
        data: { cert: `${b64("x".repeat(60)).slice(0, 40)}\n${b64("x".repeat(60)).slice(40)}` },
      }),
      errs: [],
    },
    {
      desc: "at most 1 MiB",
      obj: secret({ data: { big: b64("x".repeat(1024 * 1024 + 1)) } }),
      errs: ["data: Too long: may not be more than 1048576 bytes"],
    },
  ])("$desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });
});
