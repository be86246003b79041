// ConfigMap rules: one valid and one invalid case per rule, exact messages.
import { describe, expect, it } from "vitest";
import type { ConfigMap } from "../types.js";
import { check } from "./testing.js";

const cm = (fields: Record<string, unknown>): ConfigMap =>
  ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" }, ...fields }) as ConfigMap;

describe("ConfigMap validation", () => {
  it.each<{ desc: string; obj: ConfigMap; errs: string[] }>([
    {
      desc: "data and binaryData",
      obj: cm({ data: { "app.conf": "x", KEY_1: "y" }, binaryData: { "logo.png": "iVBORw0K" } }),
      errs: [],
    },
    {
      desc: "key format",
      obj: cm({ data: { "conf/app": "x" } }),
      errs: [
        `data[conf/app]: Invalid value: "conf/app": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name', or 'KEY_NAME', or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      ],
    },
    {
      desc: "key '.'",
      obj: cm({ data: { ".": "x" } }),
      errs: [`data[.]: Invalid value: ".": must not be '.'`],
    },
    {
      desc: "key '..'",
      obj: cm({ binaryData: { "..": "eA==" } }),
      errs: [`binaryData[..]: Invalid value: "..": must not be '..'`],
    },
    {
      desc: "a key in both data and binaryData",
      obj: cm({ data: { logo: "x" }, binaryData: { logo: "eA==" } }),
      errs: [
        'data[logo]: Invalid value: "logo": duplicate of key present in binaryData',
        'binaryData[logo]: Invalid value: "logo": duplicate of key present in data',
      ],
    },
    {
      desc: "total size",
      obj: cm({ data: { a: "x".repeat(1024 * 1024), b: "y" } }),
      errs: ["Too long: may not be more than 1048576 bytes"],
    },
  ])("$desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });
});
