/**
 * What `michi up` prints once it serves: one line containing `ready`, a table
 * of what serves where (model address → local address), and commands to try
 * that work as printed.
 */
import { formatTable } from "../printers/table.js";
import { podKeyOf } from "./pod-manager.js";
import { localPort } from "./port-rule.js";
import type { UpView } from "./up-view.js";

export function formatReadyReport(up: UpView, server: string, millis: number): string {
  const snap = up.snapshot;
  if (!snap) return "michi up: not ready\n";
  const o = up.settings;
  const map = o.addressMap;
  const lp = (p: number) => localPort(p, o.portRule);
  const rows: string[][] = [];
  const dnsSvc = snap.state.index.service("kube-system", "kube-dns");
  const dnsIP = dnsSvc?.spec?.clusterIP;
  const dnsLocal = dnsIP ? map.toLocal(dnsIP) : undefined;
  if (dnsIP && dnsLocal)
    rows.push(["DNS", "kube-system/kube-dns", `${dnsIP}:53`, `${dnsLocal}:${lp(53)} udp+tcp`]);
  if (o.dns) rows.push(["DNS", "--dns", "-", `${o.dns.host}:${o.dns.port} udp+tcp`]);
  if (o.http) rows.push(["HTTP", "ingress controller (--http)", "-", `${o.http.host}:${o.http.port}`]);
  if (o.https) rows.push(["HTTPS", "ingress controller (--https)", "-", `${o.https.host}:${o.https.port}`]);
  rows.push(["UI/admin", "--ui", "-", server.replace(/^http:\/\//, "")]);
  for (const fe of snap.services.frontends) {
    if (fe.kind === "ClusterIP") continue;
    const svc = `${fe.service.namespace}/${fe.service.name}`;
    const local = fe.localIP ?? (fe.ip ? map.toLocal(fe.ip) : undefined) ?? "?";
    const model = fe.ip ? `${fe.ip}:${fe.port}` : `(host) ${fe.node ?? ""}`;
    rows.push([fe.kind, `${svc}:${fe.servicePort}/${fe.protocol}`, model, `${local}:${lp(fe.port)}`]);
  }
  const clusterIPs = snap.services.frontends.filter((f) => f.kind === "ClusterIP").length;
  const lines: string[] = [];
  lines.push(
    `michi up: ready in ${millis} ms — ${up.plane.runtimes.size} pods, ${snap.state.services.length} services (${clusterIPs} cluster IP ports), ${up.plane.listenerCount} listeners, snapshot ${snap.version}`,
  );
  lines.push("");
  lines.push(formatTable(["SERVES", "WHAT", "MODEL ADDRESS", "LOCAL ADDRESS"], rows).trimEnd());
  lines.push("");
  const off = o.portRule.lowPortOffset;
  lines.push(
    off === 0
      ? "Model addresses 10.A.B.C are served on 127.A.B.C; every model port is served as itself."
      : `Model addresses 10.A.B.C are served on 127.A.B.C; model ports below 1024 on port + ${off} (80 → ${80 + off}), others as themselves.`,
  );
  if (up.plane.conflicts.length > 0) {
    lines.push("");
    for (const c of up.plane.conflicts) lines.push(`warning: ${c}`);
  }
  lines.push("");
  lines.push("Try:");
  const tls = snap.state.ingresses.flatMap((i) => i.spec?.tls?.flatMap((t) => t.hosts ?? []) ?? []);
  const hosts = snap.state.ingresses.flatMap(
    (i) => i.spec?.rules?.map((r) => r.host).filter((h): h is string => !!h) ?? [],
  );
  if (o.https && tls[0]) {
    lines.push(
      `  curl -k --resolve ${tls[0]}:${o.https.port}:${o.https.host} https://${tls[0]}:${o.https.port}/`,
    );
  }
  if (o.http && hosts[0]) lines.push(`  curl -H 'Host: ${hosts[0]}' http://${o.http.host}:${o.http.port}/`);
  const headless = snap.state.services.find(
    (s) => s.spec?.clusterIP === "None" && !s.metadata?.annotations?.["michi.dev/system"],
  );
  const zone = snap.state.config.clusterDomain;
  if (dnsLocal) {
    const name = headless
      ? `${headless.metadata?.name}.${headless.metadata?.namespace}.svc.${zone}`
      : `kubernetes.default.svc.${zone}`;
    lines.push(`  dig @${dnsLocal} -p ${lp(53)} +short ${name}`);
  }
  const userPods = snap.state.pods.filter(
    (p) => !["kube-system", "ingress-nginx"].includes(p.metadata?.namespace ?? ""),
  );
  const firstPod = userPods[0];
  const svc =
    snap.state.services.find(
      (s) =>
        s.spec?.clusterIP &&
        s.spec.clusterIP !== "None" &&
        !["kube-system", "ingress-nginx", "default"].includes(s.metadata?.namespace ?? ""),
    ) ??
    snap.state.services.find(
      (s) => s.metadata?.name !== "kubernetes" && s.spec?.clusterIP && s.spec.clusterIP !== "None",
    );
  const sp = svc?.spec?.ports?.[0]?.port;
  const remote = server === "http://127.0.0.1:7070" ? "" : ` --server ${server}`;
  if (firstPod && svc) {
    lines.push(
      `  michi curl${remote} --from ${podKeyOf(firstPod)} http://${svc.metadata?.name}.${svc.metadata?.namespace}${sp && sp !== 80 ? `:${sp}` : ""}/ -v`,
    );
  }
  // The pods of one namespace on the ports they declare: a table of ., X (denied) and - (refused).
  lines.push(`  michi probe${remote}${firstPod ? ` -n ${firstPod.metadata?.namespace ?? "default"}` : ""}`);
  lines.push(`  michi flows${remote} --follow`);
  lines.push("");
  return `${lines.join("\n")}\n`;
}
