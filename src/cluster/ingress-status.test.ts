import { describe, expect, it } from "vitest";
import { setSource, sourceOf } from "../api/source.js";
import type { Ingress, IngressClass, Service } from "../api/types.js";
import { ingressStatus } from "./ingress-status.js";

const michi: IngressClass = { metadata: { name: "michi" }, spec: { controller: "michi.dev/ingress" } };
const nginx: IngressClass = { metadata: { name: "nginx" }, spec: { controller: "k8s.io/ingress-nginx" } };
const alb: IngressClass = {
  metadata: { name: "alb", annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } },
  spec: { controller: "ingress.k8s.aws/alb" },
};
const controller: Service = {
  metadata: { name: "ingress-nginx-controller", namespace: "ingress-nginx" },
  status: { loadBalancer: { ingress: [{ ip: "10.255.0.1", ipMode: "VIP" }] } },
};
const ing = (name: string, spec: Ingress["spec"] = {}, annotations?: Record<string, string>): Ingress => ({
  metadata: { name, namespace: "ns", ...(annotations ? { annotations } : {}) },
  spec,
});

describe("ingressStatus", () => {
  it.each<[string, Ingress, IngressClass[], string | undefined, unknown]>([
    [
      "nginx class: the controller's LB address",
      ing("a", { ingressClassName: "nginx" }),
      [nginx],
      "nginx",
      { ingress: [{ ip: "10.255.0.1" }] },
    ],
    [
      "legacy annotation",
      ing("b", {}, { "kubernetes.io/ingress.class": "nginx" }),
      [nginx],
      undefined,
      { ingress: [{ ip: "10.255.0.1" }] },
    ],
    [
      "a michi.dev/ingress class is served too",
      ing("m", { ingressClassName: "michi" }),
      [nginx, michi],
      "michi",
      { ingress: [{ ip: "10.255.0.1" }] },
    ],
    ["another controller's class: no status", ing("c", { ingressClassName: "alb" }), [nginx, alb], "alb", {}],
    ["no class, no default: not served", ing("d"), [nginx], undefined, {}],
    ["no class, one default class: admission sets it", ing("e"), [nginx, alb], "alb", {}],
    [
      "no class, nginx is default",
      ing("f"),
      [
        {
          ...nginx,
          metadata: { name: "nginx", annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } },
        },
      ],
      "nginx",
      { ingress: [{ ip: "10.255.0.1" }] },
    ],
  ])("%s", (_d, i, classes, className, lb) => {
    const [out] = ingressStatus([i], classes, [controller]);
    expect(out?.spec?.ingressClassName).toBe(className);
    expect(out?.status?.loadBalancer).toEqual(lb);
  });

  it("the copy keeps the Ingress's source (findings print FILE:LINE)", () => {
    const i = ing("src", { ingressClassName: "nginx" });
    const src = { file: "x.yaml", docIndex: 0, line: 3, col: 1, locate: () => ({ line: 3, col: 1 }) };
    setSource(i, src);
    const [out] = ingressStatus([i], [nginx], [controller]);
    expect(out).not.toBe(i);
    expect(out && sourceOf(out)).toBe(src);
  });
});
