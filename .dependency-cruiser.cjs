/**
 * The layering of docs/architecture.md, enforced by `npm test`
 * (`npm run depcheck`): each folder of src/ may import only from its own
 * layer or the layers below it, nothing may import a test file, the
 * semantic modules stay free of sockets and processes, and there are no
 * import cycles (`import type` included).
 */
// Lower rank = more fundamental. A folder may import folders of the same or a lower rank
// (within a rank only where `peers` allows it).
const ranks = {
  api: 0,
  http: 1,
  store: 1,
  cluster: 1,
  policy: 2,
  dns: 2,
  ingress: 2,
  gateway: 2,
  service: 2,
  printers: 2,
  snapshot: 3,
  proxy: 3,
  dataplane: 3,
  pods: 3,
  kubeapi: 4,
  diff: 4,
  report: 4,
  runtime: 4,
  cli: 5,
  web: 5,
};
// Same-rank imports that are allowed (from → to): everything else of the same rank is forbidden.
const peers = {
  gateway: ["ingress", "service"],
  store: ["cluster"],
  runtime: ["kubeapi"],
  dataplane: ["pods", "snapshot"],
  report: ["diff"],
  cli: ["web"],
};
const folders = Object.keys(ranks);
const layerRules = folders.map((from) => {
  const allowed = folders.filter(
    (to) => to === from || ranks[to] < ranks[from] || (peers[from] ?? []).includes(to),
  );
  return {
    name: `layer-${from}`,
    comment: `src/${from}/ may import only ${allowed.join(", ")} (see docs/architecture.md)`,
    severity: "error",
    // Tests beside the code may build their inputs with higher layers (a snapshot of a manifest).
    from: { path: `^src/${from}/`, pathNot: "\\.test\\.ts$" },
    to: { path: "^src/", pathNot: `^src/(${allowed.join("|")})/` },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "no-cycles",
      comment: "no import cycles, type-only imports included",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-test-imports-from-src",
      comment: "published code never imports a test or a test helper",
      severity: "error",
      from: { path: "^src/", pathNot: "\\.test\\.ts$" },
      to: { path: "(\\.test\\.ts$|^test/|/testing\\.ts$)" },
    },
    {
      name: "pure-semantics",
      comment: "the semantic modules take a snapshot and answer: no sockets, servers or processes",
      severity: "error",
      from: { path: "^src/(api|store|cluster|policy|printers|snapshot)/" },
      to: { dependencyTypes: ["core"], path: "^(node:)?(dgram|http|https|http2|tls|child_process|cluster)$" },
    },
    {
      name: "pure-semantics-net",
      comment: "node:net only for its address predicates (api/net.ts), never for sockets in the semantic modules",
      severity: "error",
      from: { path: "^src/(api|store|cluster|policy|printers|snapshot)/", pathNot: "^src/api/net\\.ts$" },
      to: { dependencyTypes: ["core"], path: "^(node:)?net$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(test|bench|web|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
