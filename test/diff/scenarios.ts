/**
 * Edited copies of examples/idp-system for the diff tests: each scenario is
 * one change a pull request might make (a policy opened or tightened, a
 * Service's selector changed, an Ingress path added, a Service removed),
 * written into a fresh temporary directory.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const EXAMPLE = join(ROOT, "examples/idp-system");

export interface Edit {
  file: string;
  from: string;
  to: string;
}

export const SCENARIOS = {
  /** The monitoring rule's namespaceSelector keyed on the automatic label: Prometheus may now scrape idp-server. */
  policyOpened: {
    file: "60-network-policy.yaml",
    from: "            matchLabels:\n              name: monitoring",
    to: "            matchLabels:\n              kubernetes.io/metadata.name: monitoring",
  },
  /** The Redis egress rule dropped: idp-server may no longer reach Redis. */
  policyTightened: {
    file: "60-network-policy.yaml",
    from: "    # Redis\n    - to:\n        - podSelector:\n            matchLabels:\n              app: redis\n      ports:\n        - port: 6379\n",
    to: "",
  },
  /** The redis Service selects pods of a label no pod has. */
  selectorChanged: {
    file: "40-redis.yaml",
    from: "  selector:\n    app: redis\n",
    to: "  selector:\n    app: redis-cache\n",
  },
  /** A new /admin path on auth.example.com to the frontend. */
  ingressPathAdded: {
    file: "50-ingress.yaml",
    from: "                  number: 80\n---",
    to: "                  number: 80\n          - path: /admin\n            pathType: Prefix\n            backend:\n              service:\n                name: frontend\n                port:\n                  number: 80\n---",
  },
  /** The NodePort Service deleted: its DNS name goes away. */
  dnsNameRemoved: {
    file: "10-idp-server.yaml",
    from: readSection("10-idp-server.yaml", "# NodePort access", "---\n# LoadBalancer"),
    to: "",
  },
} satisfies Record<string, Edit>;

function readSection(file: string, start: string, end: string): string {
  const text = readFileSync(join(EXAMPLE, file), "utf8");
  const a = text.indexOf(start);
  const b = text.indexOf(end, a);
  if (a < 0 || b < 0) throw new Error(`${file}: section ${start} not found`);
  return text.slice(a, b + 4);
}

/** A copy of the example with the edits applied; `cleanup` removes it. */
export function editedCopy(edits: readonly Edit[]): { dir: string; cleanup: () => void } {
  const tmp = mkdtempSync(join(tmpdir(), "michi-diff-"));
  const dir = join(tmp, "idp-system");
  cpSync(EXAMPLE, dir, { recursive: true });
  for (const e of edits) {
    const path = join(dir, e.file);
    const text = readFileSync(path, "utf8");
    if (!text.includes(e.from)) throw new Error(`${e.file}: edit target not found: ${e.from.slice(0, 60)}`);
    writeFileSync(path, text.replace(e.from, e.to));
  }
  return { dir, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}
