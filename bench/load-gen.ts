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
  /** ClusterNetworkPolicies (both tiers, mixed subjects, peers and actions; default none). */
  clusterPolicies?: number;
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
  const cnpCount = opts.clusterPolicies ?? 0;
  const actions = ["Accept", "Deny", "Pass"];
  for (let c = 0; c < cnpCount; c++) {
    const baseline = c % 4 === 3;
    const subject =
      c % 2 === 0
        ? `    namespaces:\n      matchLabels:\n        team: team-${c % 10}\n`
        : `    pods:\n      namespaceSelector: {}\n      podSelector:\n        matchLabels:\n          app: app-${(c * 37) % svcCount}\n`;
    const action = baseline ? (c % 8 === 3 ? "Accept" : "Deny") : actions[c % 3];
    const peer =
      c % 5 === 0
        ? `    - pods:\n        namespaceSelector:\n          matchLabels:\n            team: team-${(c + 1) % 10}\n        podSelector:\n          matchExpressions:\n          - {key: tier, operator: In, values: [web]}\n`
        : `    - namespaces:\n        matchLabels:\n          team: team-${(c + 3) % 10}\n`;
    out.push(
      `apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata:\n  name: cnp-${c}\nspec:\n  tier: ${baseline ? "Baseline" : "Admin"}\n  priority: ${(c * 7) % 1000}\n  subject:\n${subject}` +
        `  ingress:\n  - name: r0\n    action: ${action}\n    from:\n${peer}    protocols:\n    - tcp:\n        destinationPort:\n          range: {start: 8000, end: 8999}\n` +
        `  egress:\n  - name: e0\n    action: ${baseline ? "Deny" : (actions[(c + 1) % 3] ?? "Deny")}\n    to:\n    - networks: ["10.${64 + (c % 32)}.0.0/16"]\n    protocols:\n    - udp:\n        destinationPort:\n          number: 53\n` +
        `  - name: e1\n    action: ${baseline ? "Accept" : "Pass"}\n    to:\n${peer}`,
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
