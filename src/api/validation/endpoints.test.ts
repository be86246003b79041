// Endpoints rules: subsets, address IPs (no special ranges), hostnames, ports.
import { describe, expect, it } from "vitest";
import type { Endpoints } from "../types.js";
import { check, DNS1123_LABEL_MSG, IP_MSG, PORT_RANGE_MSG } from "./testing.js";

const eps = (subsets: unknown[]): Endpoints =>
  ({ apiVersion: "v1", kind: "Endpoints", metadata: { name: "ext" }, subsets }) as Endpoints;

describe("Endpoints validation", () => {
  it.each<{ desc: string; obj: Endpoints; errs: string[] }>([
    {
      desc: "addresses and ports",
      obj: eps([{ addresses: [{ ip: "192.0.2.10", hostname: "db-0" }], ports: [{ port: 5432 }] }]),
      errs: [],
    },
    { desc: "no subsets", obj: eps([]), errs: [] },
    {
      desc: "a subset needs addresses",
      obj: eps([{ ports: [{ port: 80 }] }]),
      errs: ["subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"],
    },
    {
      desc: "addresses are IPs",
      obj: eps([{ addresses: [{ ip: "db.example.com" }] }]),
      errs: [
        `subsets[0].addresses[0].ip: Invalid value: "db.example.com": ${IP_MSG}`,
        'subsets[0].addresses[0].ip: Invalid value: "db.example.com": must be a valid IP address',
      ],
    },
    {
      desc: "no loopback endpoints",
      obj: eps([{ notReadyAddresses: [{ ip: "127.0.0.1" }] }]),
      errs: [
        'subsets[0].notReadyAddresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      ],
    },
    {
      desc: "hostname is a DNS label",
      obj: eps([{ addresses: [{ ip: "192.0.2.10", hostname: "DB" }] }]),
      errs: [`subsets[0].addresses[0].hostname: Invalid value: "DB": ${DNS1123_LABEL_MSG}`],
    },
    {
      desc: "ports need names when there are several",
      obj: eps([
        { addresses: [{ ip: "192.0.2.10" }], ports: [{ port: 80 }, { name: "b", port: 0, protocol: "XTP" }] },
      ]),
      errs: [
        "subsets[0].ports[0].name: Required value",
        `subsets[0].ports[1].port: Invalid value: 0: ${PORT_RANGE_MSG}`,
        'subsets[0].ports[1].protocol: Unsupported value: "XTP": supported values: "SCTP", "TCP", "UDP"',
      ],
    },
  ])("$desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });
});
