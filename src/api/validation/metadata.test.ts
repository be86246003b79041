// ObjectMeta: name formats per kind, generateName, namespace, labels, annotations.
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import {
  check,
  DNS1035_MSG,
  DNS1123_LABEL_MSG,
  DNS1123_SUBDOMAIN_MSG,
  LABEL_KEY_NAME_MSG,
  LABEL_VALUE_MSG,
} from "./testing.js";

const obj = (
  kind: string,
  apiVersion: string,
  metadata: Record<string, unknown>,
  rest: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion,
  kind,
  metadata,
  ...rest,
});
const cm = (metadata: Record<string, unknown>) => obj("ConfigMap", "v1", metadata);

describe("metadata validation", () => {
  it.each<{ desc: string; o: KubeObject; errs: string[] }>([
    {
      desc: "name required",
      o: cm({}),
      errs: ["metadata.name: Required value: name or generateName is required"],
    },
    { desc: "generateName stands in for name", o: cm({ generateName: "cfg-" }), errs: [] },
    {
      desc: "generateName format",
      o: cm({ generateName: "Cfg-" }),
      errs: [
        expect.stringMatching(
          /^metadata\.generateName: Invalid value: "Cfg-": a lowercase RFC 1123 subdomain/,
        ),
      ],
    },
    { desc: "subdomain names", o: cm({ name: "app.config" }), errs: [] },
    {
      desc: "subdomain names, bad",
      o: cm({ name: "App" }),
      errs: [`metadata.name: Invalid value: "App": ${DNS1123_SUBDOMAIN_MSG}`],
    },
    {
      desc: "Namespace names are DNS labels",
      o: obj("Namespace", "v1", { name: "team.a" }),
      errs: ['metadata.name: Invalid value: "team.a": must not contain dots'],
    },
    {
      desc: "Service names are DNS-1035 labels",
      o: obj("Service", "v1", { name: "web.v2" }, { spec: { clusterIP: "None" } }),
      errs: [`metadata.name: Invalid value: "web.v2": ${DNS1035_MSG}`],
    },
    {
      desc: "Deployment names may be subdomains",
      o: obj(
        "Deployment",
        "apps/v1",
        { name: "web.v2" },
        {
          spec: {
            selector: { matchLabels: { a: "b" } },
            template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } },
          },
        },
      ),
      errs: [],
    },
    {
      desc: "namespace format",
      o: cm({ name: "cfg", namespace: "Prod" }),
      errs: [`metadata.namespace: Invalid value: "Prod": ${DNS1123_LABEL_MSG}`],
    },
    {
      desc: "namespace on a cluster-scoped kind is ignored",
      o: obj("Namespace", "v1", { name: "prod", namespace: "whatever" }),
      errs: [],
    },
    {
      desc: "label key",
      o: cm({ name: "cfg", labels: { "app@b": "x" } }),
      errs: [`metadata.labels: Invalid value: "app@b": ${LABEL_KEY_NAME_MSG}`],
    },
    {
      desc: "label value",
      o: cm({ name: "cfg", labels: { app: "a b" } }),
      errs: [`metadata.labels: Invalid value: "a b": ${LABEL_VALUE_MSG}`],
    },
    {
      desc: "label value too long",
      o: cm({ name: "cfg", labels: { app: "a".repeat(64) } }),
      errs: [`metadata.labels: Invalid value: "${"a".repeat(64)}": must be no more than 63 characters`],
    },
    {
      desc: "annotation key",
      o: cm({ name: "cfg", annotations: { "a b": "x" } }),
      errs: [`metadata.annotations: Invalid value: "a b": ${LABEL_KEY_NAME_MSG}`],
    },
    {
      desc: "namespace finalizers",
      o: obj("Namespace", "v1", { name: "prod" }, { spec: { finalizers: ["kubernetes", "bad key"] } }),
      errs: [`spec.finalizers: Invalid value: "bad key": ${LABEL_KEY_NAME_MSG}`],
    },
  ])("$desc", ({ o, errs }) => {
    expect(check(o)).toEqual(errs);
  });
});
