/**
 * Generates the large manifest set the load benchmark reads: 100 namespaces,
 * 10 000 Deployments (5 replicas each: 50 000 pods) with one Service each, and
 * 2 000 NetworkPolicies: 22 100 documents, ~6.6 MB of block-style YAML (more
 * than the ~4.8 MB the issue measured, so the numbers err on the slow side).
 * Deterministic, so numbers compare
 * across runs. `generateLargeCluster()` returns the text; run this file to
 * write it: `npx tsx bench/load-gen.ts OUT.yaml`.
 */
import { writeFileSync } from "node:fs";

export interface GenOptions {
  namespaces?: number;
  services?: number;
  replicas?: number;
  policies?: number;
}

export function generateLargeCluster(opts: GenOptions = {}): string {
  const nsCount = opts.namespaces ?? 100;
  const svcCount = opts.services ?? 10_000;
  const replicas = opts.replicas ?? 5;
  const polCount = opts.policies ?? 2_000;
  const out: string[] = [];
  for (let n = 0; n < nsCount; n++) {
    out.push(
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-${n}\n  labels:\n    team: team-${n % 10}\n`,
    );
  }
  for (let i = 0; i < svcCount; i++) {
    const ns = `ns-${i % nsCount}`;
    const app = `app-${i}`;
    out.push(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\n  namespace: ${ns}\nspec:\n  replicas: ${replicas}\n` +
        `  selector:\n    matchLabels:\n      app: ${app}\n  template:\n    metadata:\n      labels:\n        app: ${app}\n        tier: "${i % 3 === 0 ? "web" : "backend"}"\n` +
        `    spec:\n      containers:\n      - name: main\n        image: registry.example/${app}:1.0\n        ports:\n        - name: http\n          containerPort: 8080\n`,
    );
    out.push(
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\n  namespace: ${ns}\nspec:\n  selector:\n    app: ${app}\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n`,
    );
  }
  for (let p = 0; p < polCount; p++) {
    const ns = `ns-${p % nsCount}`;
    out.push(
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-${p}\n  namespace: ${ns}\nspec:\n  podSelector:\n    matchLabels:\n      app: app-${p}\n  policyTypes: [Ingress]\n` +
        `  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          team: team-${p % 10}\n      podSelector:\n        matchExpressions:\n        - {key: tier, operator: In, values: [web]}\n    ports:\n    - protocol: TCP\n      port: 8080\n`,
    );
  }
  return out.join("---\n");
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ""))) {
  const target = process.argv[2] ?? "/tmp/michi-large.yaml";
  const text = generateLargeCluster();
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}: ${(text.length / 1e6).toFixed(2)} MB\n`);
}
