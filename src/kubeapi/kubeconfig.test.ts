import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { mergeIntoKubeconfig, removeFromKubeconfig, userKubeconfigPath } from "./kubeconfig.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("--update-kubeconfig", () => {
  it("merges the michi context into an existing kubeconfig and removes it again, keeping the rest", async () => {
    const d = mkdtempSync(join(tmpdir(), "michi-kc-"));
    dirs.push(d);
    const p = join(d, "config");
    writeFileSync(
      p,
      "apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster: {server: https://prod}\nusers:\n- name: me\n  user: {token: t}\ncontexts:\n- name: prod\n  context: {cluster: prod, user: me}\ncurrent-context: prod\n",
      { mode: 0o640 },
    );
    const prev = await mergeIntoKubeconfig(p, "https://127.0.0.1:6443", "CA", "tok");
    expect(prev).toBe("prod");
    const merged = parse(readFileSync(p, "utf8"));
    expect(merged["current-context"]).toBe("michi");
    expect(merged.clusters.map((c: { name: string }) => c.name)).toEqual(["prod", "michi"]);
    expect(merged.users.find((u: { name: string }) => u.name === "michi").user.token).toBe("tok");
    expect(statSync(p).mode & 0o777).toBe(0o640);
    await removeFromKubeconfig(p, prev);
    const back = parse(readFileSync(p, "utf8"));
    expect(back["current-context"]).toBe("prod");
    expect(back.clusters.map((c: { name: string }) => c.name)).toEqual(["prod"]);
    expect(back.contexts.map((c: { name: string }) => c.name)).toEqual(["prod"]);
  });

  it("creates the file (0600) when there is none, and picks $KUBECONFIG's first entry", async () => {
    const d = mkdtempSync(join(tmpdir(), "michi-kc-"));
    dirs.push(d);
    const p = join(d, "new", "config");
    expect(userKubeconfigPath({ KUBECONFIG: `${p}:/other` })).toBe(p);
    await mergeIntoKubeconfig(p, "https://127.0.0.1:6443", "CA", "tok");
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(parse(readFileSync(p, "utf8"))["current-context"]).toBe("michi");
  });
});
