import { describe, expect, it } from "vitest";
import type { ContainerPort, NetworkPolicyPort, Protocol } from "../api/types.js";
import { compilePort, podContainerPorts, portMatches } from "./ports.js";

const e2ePorts: ContainerPort[] = [
  { name: "serve-80-tcp", containerPort: 80, protocol: "TCP" },
  { name: "serve-80-udp", containerPort: 80, protocol: "UDP" },
  { name: "serve-81-tcp", containerPort: 81 },
];

describe("portMatches", () => {
  const cases: {
    desc: string;
    p: NetworkPolicyPort;
    port: number;
    proto: Protocol;
    dst?: ContainerPort[];
    want: boolean;
  }[] = [
    { desc: "protocol defaults to TCP", p: { port: 80 }, port: 80, proto: "TCP", want: true },
    { desc: "TCP entry never opens UDP", p: { port: 80 }, port: 80, proto: "UDP", want: false },
    {
      desc: "UDP entry never opens TCP",
      p: { port: 81, protocol: "UDP" },
      port: 81,
      proto: "TCP",
      want: false,
    },
    {
      desc: "SCTP entry never opens TCP",
      p: { port: 81, protocol: "SCTP" },
      port: 81,
      proto: "TCP",
      want: false,
    },
    {
      desc: "port-less entry: every TCP port",
      p: { protocol: "TCP" },
      port: 65535,
      proto: "TCP",
      want: true,
    },
    {
      desc: "port-less entry keeps its protocol",
      p: { protocol: "TCP" },
      port: 80,
      proto: "UDP",
      want: false,
    },
    { desc: "endPort low bound", p: { port: 8000, endPort: 8080 }, port: 8000, proto: "TCP", want: true },
    { desc: "endPort high bound", p: { port: 8000, endPort: 8080 }, port: 8080, proto: "TCP", want: true },
    { desc: "endPort beyond", p: { port: 8000, endPort: 8080 }, port: 8081, proto: "TCP", want: false },
    {
      desc: "named port resolves on destination",
      p: { port: "serve-81-tcp" },
      port: 81,
      proto: "TCP",
      dst: e2ePorts,
      want: true,
    },
    {
      desc: "named port other number",
      p: { port: "serve-81-tcp" },
      port: 80,
      proto: "TCP",
      dst: e2ePorts,
      want: false,
    },
    {
      desc: "named port needs matching protocol",
      p: { port: "serve-80-udp" },
      port: 80,
      proto: "TCP",
      dst: e2ePorts,
      want: false,
    },
    {
      desc: "named UDP port with UDP protocol",
      p: { port: "serve-80-udp", protocol: "UDP" },
      port: 80,
      proto: "UDP",
      dst: e2ePorts,
      want: true,
    },
    {
      desc: "named port on a non-pod destination",
      p: { port: "serve-80-tcp" },
      port: 80,
      proto: "TCP",
      want: false,
    },
    { desc: "numeric string treated as number", p: { port: "80" }, port: 80, proto: "TCP", want: true },
  ];
  it.each(cases)("$desc", ({ p, port, proto, dst, want }) => {
    expect(portMatches(compilePort(p), port, proto, dst)).toBe(want);
  });

  it("formats entries", () => {
    expect(compilePort({ port: 8000, endPort: 8080 }).text).toBe("TCP/8000-8080");
    expect(compilePort({ protocol: "UDP" }).text).toBe("UDP/*");
    expect(compilePort({ port: "http" }).text).toBe("TCP/http");
  });

  it("collects sidecar ports but not plain init container ports", () => {
    const ports = podContainerPorts({
      containers: [{ ports: [{ containerPort: 1 }] }],
      initContainers: [
        { restartPolicy: "Always", ports: [{ containerPort: 2 }] },
        { ports: [{ containerPort: 3 }] },
      ],
    });
    expect(ports.map((p) => p.containerPort)).toEqual([1, 2]);
  });
});
