import { describe, expect, it } from "vitest";
import type { Pod, PodSpec } from "../api/types.js";
import { buildCluster } from "./build.js";
import { makeConfig } from "./config.js";
import { formatResolvConf, type HostResolvConf, parseResolvConf, resolvConfFor } from "./resolv-conf.js";

const state = buildCluster([], makeConfig({ clusterDomain: "cluster.local", dnsServiceIP: "10.96.0.10" }));
const host: HostResolvConf = parseResolvConf(
  "# host\nnameserver 192.168.1.1\nnameserver 192.168.1.2\nsearch corp.example. .\noptions edns0 timeout:2\n",
);

function pod(spec: Partial<PodSpec>, ns = "shop"): Pod {
  return { metadata: { name: "p", namespace: ns }, spec: { containers: [], ...spec } };
}

describe("parseResolvConf", () => {
  it("reads nameservers, the last search line (dropping '.' and trailing dots) and options", () => {
    expect(host).toEqual({
      nameservers: ["192.168.1.1", "192.168.1.2"],
      searches: ["corp.example"],
      options: [{ name: "edns0" }, { name: "timeout", value: "2" }],
    });
    expect(parseResolvConf("search a b\nsearch c\n").searches).toEqual(["c"]);
  });
});

describe("resolvConfFor", () => {
  it.each<[string, Partial<PodSpec>, string[], string[], string[], number]>([
    [
      "ClusterFirst: cluster DNS, namespace search list then the node's, ndots:5",
      {},
      ["10.96.0.10"],
      ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example"],
      ["ndots:5"],
      5,
    ],
    [
      "Default: the node's resolv.conf",
      { dnsPolicy: "Default" },
      ["192.168.1.1", "192.168.1.2"],
      ["corp.example"],
      ["edns0", "timeout:2"],
      1,
    ],
    ["None without dnsConfig: empty", { dnsPolicy: "None" }, [], [], [], 1],
    [
      "None with dnsConfig",
      {
        dnsPolicy: "None",
        dnsConfig: {
          nameservers: ["1.1.1.1"],
          searches: ["a.example"],
          options: [{ name: "ndots", value: "2" }],
        },
      },
      ["1.1.1.1"],
      ["a.example"],
      ["ndots:2"],
      2,
    ],
    [
      "ClusterFirst + dnsConfig: appended, de-duplicated, options overridden by name",
      {
        dnsConfig: {
          nameservers: ["10.96.0.10", "8.8.8.8"],
          searches: ["svc.cluster.local", "extra.example"],
          options: [{ name: "ndots", value: "2" }, { name: "edns0" }],
        },
      },
      ["10.96.0.10", "8.8.8.8"],
      ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example", "extra.example"],
      ["ndots:2", "edns0"],
      2,
    ],
    [
      "hostNetwork + ClusterFirst falls back to Default",
      { hostNetwork: true },
      ["192.168.1.1", "192.168.1.2"],
      ["corp.example"],
      ["edns0", "timeout:2"],
      1,
    ],
    [
      "hostNetwork + ClusterFirstWithHostNet uses cluster DNS",
      { hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" },
      ["10.96.0.10"],
      ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example"],
      ["ndots:5"],
      5,
    ],
    [
      "more than 3 nameservers are cut to 3",
      { dnsPolicy: "None", dnsConfig: { nameservers: ["1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4"] } },
      ["1.1.1.1", "1.0.0.1", "8.8.8.8"],
      [],
      [],
      1,
    ],
  ])("%s", (_d, spec, nameservers, searches, options, ndots) => {
    const r = resolvConfFor(pod(spec), state, host);
    expect(r.nameservers).toEqual(nameservers);
    expect(r.searches).toEqual(searches);
    expect(r.options.map((o) => (o.value !== undefined ? `${o.name}:${o.value}` : o.name))).toEqual(options);
    expect(r.ndots).toBe(ndots);
  });

  it("cuts the search list to 32 domains", () => {
    const searches = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
    const r = resolvConfFor(pod({ dnsPolicy: "None", dnsConfig: { searches } }), state, host);
    expect(r.searches).toEqual(searches.slice(0, 32));
  });
});

describe("formatResolvConf", () => {
  it("writes search, nameserver and options lines as the container runtime does", () => {
    const r = resolvConfFor(pod({}), state, { nameservers: [], searches: [], options: [] });
    expect(formatResolvConf(r)).toBe(
      "search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
    );
  });
});
