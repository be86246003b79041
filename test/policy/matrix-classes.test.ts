/**
 * `michi matrix` on a cluster too large for a cell table: it switches to the
 * class-level report by itself, and the classes group the replicas of each
 * workload (bench/load-gen.ts's generator, scaled down).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { generateLargeCluster } from "../../bench/load-gen.js";
import { register } from "../../src/cli/commands/matrix.js";

async function matrix(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  register(program);
  let out = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(["node", "michi", "matrix", ...args]);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

describe("matrix on a larger cluster", () => {
  const file = join(mkdtempSync(join(tmpdir(), "michi-matrix-")), "cluster.yaml");
  writeFileSync(file, generateLargeCluster({ namespaces: 4, services: 40, replicas: 5, policies: 8 }));

  it("gives class-level JSON and CSV with --classes", async () => {
    const j = JSON.parse(await matrix(["-f", file, "--ports", "8080", "-o", "json", "--classes"])) as {
      classes: { id: number; namespace: string; labels: Record<string, string>; pods: string[] }[];
      ports: {
        port: number;
        allowedPairs: number;
        classes: { id: number; reaches: number; reachedBy: number; allowedTo: number[] }[];
      }[];
    };
    expect(j.classes).toHaveLength(41);
    expect(j.ports[0]).toMatchObject({ port: 8080, protocol: "TCP", pairs: 40200, allowedPairs: 32540 });
    const app4 = j.classes.find((c) => c.labels.app === "app-4")!;
    expect(j.ports[0]!.classes[app4.id]).toMatchObject({ reaches: 161, reachedBy: 0 });
    // app-4 admits nobody: no class lists it, itself included.
    expect(j.ports[0]!.classes.filter((c) => c.allowedTo.includes(app4.id))).toEqual([]);
    const csv = (await matrix(["-f", file, "--ports", "8080", "-o", "csv", "--classes"])).trim().split("\n");
    expect(csv[0]).toBe("class,namespace,labels,pods,port,protocol,reaches,reached_by");
    expect(csv.filter((l) => l.includes('"app=app-4,'))).toEqual([
      expect.stringMatching(/,ns-0,".*",5,8080,TCP,161,0$/),
    ]);
  });

  it("reports by equivalence classes when a table would be unreadable", async () => {
    // 4 namespaces, 40 Deployments × 5 replicas, 8 policies admitting tier=web pods from one team's namespaces.
    const out = await matrix(["-f", file, "--ports", "8080"]);
    const lines = out.split("\n");
    expect(lines[0]).toBe(
      "201 pods in 41 equivalence classes (same namespace, labels, ports and ipBlock matches)",
    );
    // Policies allow-0..3 admit the tier=web pods (apps 0, 3, 6, …) of ns-0..3 into app-0..3;
    // allow-4..7 name teams with no namespace: app-4..7 admit nobody. Non-isolated: 161 pods,
    // reachable from all 200 others; app-0 and app-3 (web) from 19 others each, app-1 and app-2
    // from 15 (3 web apps in their namespace): 161·200 + 2·5·19 + 2·5·15 = 32 540.
    expect(lines[2]).toBe("TCP/8080: 32540 of 40200 ordered pod pairs allowed (80.9%)");
    // Columns: class, pods, reaches, reached-by (class ids depend on pod order, so they are left out).
    const row = (app: string) =>
      lines
        .find((l) => l.includes(` app=${app},`))
        ?.split(/\s+/)
        .slice(2, 5);
    expect(row("app-0")).toEqual(["5", "165", "19"]);
    expect(row("app-1")).toEqual(["5", "161", "15"]);
    expect(row("app-4")).toEqual(["5", "161", "0"]);
    expect(row("app-6")).toEqual(["5", "166", "0"]);
  });
});
