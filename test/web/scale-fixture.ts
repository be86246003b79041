/**
 * A 1 000+ pod cluster for the dashboard (10 namespaces × 10 deployments × 10
 * replicas, one of 30, a NetworkPolicy per namespace): used by the scale e2e
 * test and the page-load benchmark (bench/web/page-load.ts).
 */

export const NAMESPACES = 10;
export const DEPLOYMENTS = 10;
export const REPLICAS = 10;
/** One larger deployment (team-0/svc-9), beyond the 12 chips a workload shows in a large cluster. */
export const BIG = 30;

export function manifests(): string {
  const docs: string[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `team-${n}`;
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels:\n    team: t${n}\n`);
    for (let d = 0; d < DEPLOYMENTS; d++) {
      docs.push(
        [
          "apiVersion: apps/v1",
          "kind: Deployment",
          `metadata: {name: svc-${d}, namespace: ${ns}}`,
          "spec:",
          `  replicas: ${n === 0 && d === 9 ? BIG : REPLICAS}`,
          `  selector: {matchLabels: {app: svc-${d}}}`,
          "  template:",
          `    metadata: {labels: {app: svc-${d}, tier: t${d % 3}}}`,
          "    spec:",
          "      containers: [{name: c, image: agnhost, ports: [{containerPort: 8080, name: http}]}]",
          "",
        ].join("\n"),
      );
      docs.push(
        `apiVersion: v1\nkind: Service\nmetadata: {name: svc-${d}, namespace: ${ns}}\nspec:\n  selector: {app: svc-${d}}\n  ports: [{port: 80, targetPort: http}]\n`,
      );
    }
    // tier t0 accepts tier t1 of its own namespace and anything from the next team's namespace.
    docs.push(
      [
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        `metadata: {name: tier-rules, namespace: ${ns}}`,
        "spec:",
        "  podSelector: {matchLabels: {tier: t0}}",
        "  ingress:",
        "    - from:",
        "        - podSelector: {matchLabels: {tier: t1}}",
        `        - namespaceSelector: {matchLabels: {team: t${(n + 1) % NAMESPACES}}}`,
        "      ports: [{port: http}]",
        "",
      ].join("\n"),
    );
  }
  return docs.join("---\n");
}
