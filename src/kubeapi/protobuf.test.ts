import { describe, expect, it } from "vitest";
import { decodeProtobuf, encodeProtobuf } from "./protobuf.js";

describe("protobuf bodies", () => {
  it("round-trips a Deployment: IntOrString, Time, maps, lists, nested messages", () => {
    const d = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "web",
        namespace: "default",
        labels: { app: "web" },
        creationTimestamp: "2026-01-02T03:04:05Z",
      },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "web" } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            containers: [{ name: "web", image: "nginx", ports: [{ containerPort: 80, protocol: "TCP" }] }],
          },
        },
      },
    };
    expect(decodeProtobuf(encodeProtobuf(d) as Buffer)).toEqual(d);
  });

  it("drops the zero values Go writes for unset fields, keeps pointer zeros", () => {
    const d = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: {},
          spec: {
            restartPolicy: "",
            terminationGracePeriodSeconds: 0,
            containers: [{ name: "web", image: "nginx", imagePullPolicy: "", stdin: false }],
          },
        },
      },
    };
    const back = decodeProtobuf(encodeProtobuf(d) as Buffer) as typeof d;
    expect(back.spec.replicas).toBe(0);
    expect(back.spec.template.spec.terminationGracePeriodSeconds).toBe(0);
    expect(back.spec.template.spec.restartPolicy).toBeUndefined();
    expect(back.spec.template.spec.containers[0]).toEqual({ name: "web", image: "nginx" });
  });

  it("refuses a body without the k8s magic, and kinds it does not serve", () => {
    expect(() => decodeProtobuf(Buffer.from("{}"))).toThrow(/magic/);
    expect(encodeProtobuf({ apiVersion: "v1", kind: "Binding" })).toBeUndefined();
  });
});
