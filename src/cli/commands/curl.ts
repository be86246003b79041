/**
 * `michi curl --from POD URL`: the request as that pod would make it, against
 * a running `michi up`. The name is resolved through the cluster DNS with the
 * pod's resolv.conf (queries sent from the pod's address), the connection
 * leaves from the pod's address, and the response is printed. With -v: the
 * DNS queries, the service and the endpoint the data plane chose and the
 * policy verdicts, read back from the flow log.
 *
 * Exit codes follow curl: 0 on any HTTP response, 6 name not resolved,
 * 7 connection refused/reset or denied by policy, 28 timed out.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import type { Command } from "commander";
import { MichiError } from "../../api/diagnostics.js";
import { AddressMap } from "../../cluster/address-map.js";
import { type PodResolvConf, resolveAsPod } from "../../pods/pod-resolver.js";
import type { Flow } from "../../runtime/flows.js";
import { localPort } from "../../runtime/port-rule.js";
import { type UpClient, upClient } from "../../runtime/up-client.js";
import { qualify } from "../names.js";
import { formatFlow } from "./flows.js";

interface CurlFlags {
  from: string;
  namespace?: string;
  verbose?: boolean;
  header: string[];
  request?: string;
  data?: string;
  insecure?: boolean;
  maxTime: string;
  server?: string;
  name?: string;
  include?: boolean;
}

export interface UpView {
  lastFlowId: number;
  addressMap: { model: string; local: string }[];
  lowPortOffset: number;
  hostIP: string;
}

export interface PodDetail {
  name: string;
  namespace: string;
  ip: string;
  local: string;
  resolvConf: { nameservers: string[]; searches: string[]; ndots: number };
  resolvConfText: string;
  nameservers: { ip: string; local: string; port: number }[];
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export async function fetchJSON<T>(client: UpClient, path: string): Promise<T> {
  const res = await client.get(path);
  const body = (await res.json()) as T & { error?: { message?: string } };
  if (!res.ok) throw new MichiError("ServerError", body.error?.message ?? `HTTP ${res.status} from ${path}`);
  return body;
}

/** `NS/NAME` (or `NAME` in default) is a pod; `KIND/NS/NAME` a workload, standing for its first pod. */
export async function podDetail(client: UpClient, pod: string): Promise<PodDetail> {
  const parts = pod.split("/");
  const segments = parts.length >= 3 ? parts.slice(0, 3) : parts.length === 2 ? parts : ["default", pod];
  return fetchJSON<PodDetail>(client, `/api/up/pods/${segments.map(encodeURIComponent).join("/")}`);
}

/** Flows recorded for a local source address:port, waiting briefly for the data plane to log them. */
export async function flowsFor(client: UpClient, localSource: string, waitMs = 1000): Promise<Flow[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const body = await fetchJSON<{ flows: Flow[] }>(
      client,
      `/api/flows?localSource=${encodeURIComponent(localSource)}`,
    );
    if (body.flows.length > 0 || Date.now() >= deadline) return body.flows;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Flows from a local address logged after flow `since` (waiting briefly for one to appear). */
export async function flowsFrom(
  client: UpClient,
  localIP: string,
  since: number,
  waitMs: number,
): Promise<Flow[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const body = await fetchJSON<{ flows: Flow[] }>(
      client,
      `/api/flows?since=${since}&localIP=${encodeURIComponent(localIP)}`,
    );
    const tcp = body.flows.filter((f) => f.protocol === "TCP");
    if (tcp.length > 0 || Date.now() >= deadline) return body.flows;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function register(program: Command): void {
  program
    .command("curl")
    .description("make an HTTP request as a pod of a running michi up would")
    .requiredOption(
      "--from <pod>",
      "the pod making the request: NAMESPACE/NAME, or a workload KIND/NAMESPACE/NAME (its first pod)",
    )
    .argument("<url>", "http:// or https:// URL; names resolve with the pod's resolv.conf")
    .option("-v, --verbose", "show DNS queries, service, endpoint and policy verdicts")
    .option("-H, --header <header>", "extra header 'Name: value'; repeatable", collect, [])
    .option("-X, --request <method>", "HTTP method")
    .option("-d, --data <data>", "request body (implies POST)")
    .option("-i, --include", "print the response headers")
    .option("-k, --insecure", "accept any TLS certificate")
    .option("-m, --max-time <s>", "give up after this many seconds", "10")
    .option("-n, --namespace <ns>", "namespace of a --from given as NAME or KIND/NAME (default: default)")
    .option("--server <url>", "admin address of the running michi up")
    .option("--name <name>", "the running michi up to talk to, by its --name (default: the only one)")
    .action(async (urlText: string, flags: CurlFlags) => {
      process.exitCode = await curl(urlText, flags);
    });
}

async function curl(urlText: string, flags: CurlFlags): Promise<number> {
  let url: URL;
  try {
    url = new URL(urlText.includes("://") ? urlText : `http://${urlText}`);
  } catch {
    throw new MichiError("BadArgument", `not a URL: ${JSON.stringify(urlText)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new MichiError("BadArgument", `only http:// and https:// URLs, got ${url.protocol}`);
  }
  const client = upClient(flags);
  const view = await fetchJSON<UpView>(client, "/api/up");
  const map = new AddressMap(view.addressMap);
  const pod = await podDetail(client, qualify(flags.from, flags.namespace));
  const verbose = (line: string) => {
    if (flags.verbose) process.stderr.write(`* ${line}\n`);
  };
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const modelPort = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  verbose(`from pod ${pod.namespace}/${pod.name} (IP ${pod.ip}, local ${pod.local})`);
  verbose(`resolv.conf: ${pod.resolvConfText.trim().replace(/\n/g, "; ")}`);
  const rc: PodResolvConf = {
    nameservers: pod.nameservers,
    searches: pod.resolvConf.searches,
    ndots: pod.resolvConf.ndots,
  };
  const res = await resolveAsPod(host, rc, pod.local);
  for (const q of res.queries) {
    verbose(
      `DNS ${q.type} ${q.name} @${q.nameserver}: ${q.rcode}${q.answers.length ? ` ${q.answers.join(", ")}` : ""}`,
    );
  }
  const ip = res.addresses[0];
  if (!ip) {
    process.stderr.write(`michi curl: (6) could not resolve host ${host} from ${flags.from}\n`);
    return 6;
  }
  const local = ip === view.hostIP ? ip : map.toLocal(ip);
  const maxMs = Math.max(1, Number(flags.maxTime) || 10) * 1000;
  let connectHost: string;
  let connectPort: number;
  let localAddress: string | undefined;
  if (local !== undefined) {
    connectHost = local;
    connectPort = localPort(modelPort, { lowPortOffset: view.lowPortOffset });
    localAddress = pod.local;
  } else {
    // Outside the cluster: the pod's egress policy decides; michi logs the flow and, if allowed, connects from the host.
    const r = await client.post(
      "/api/up/egress",
      JSON.stringify({ from: `${pod.namespace}/${pod.name}`, ip, port: modelPort, protocol: "TCP" }),
      "application/json",
    );
    const body = (await r.json()) as { allowed?: boolean; flow?: Flow; error?: { message?: string } };
    if (!r.ok) throw new MichiError("ServerError", body.error?.message ?? `HTTP ${r.status}`);
    if (body.flow) verbose(`flow: ${formatFlow(body.flow)}`);
    if (!body.allowed) {
      process.stderr.write(
        `michi curl: (7) ${pod.namespace}/${pod.name} -> ${ip}:${modelPort} denied by egress policy ${body.flow?.policies.join(", ") ?? ""}\n`,
      );
      return 7;
    }
    connectHost = ip;
    connectPort = modelPort;
    localAddress = undefined;
  }
  verbose(`connecting to ${ip}:${modelPort} (local ${connectHost}:${connectPort})`);
  const headers: Record<string, string> = {
    host: url.port ? `${host}:${url.port}` : host,
    "user-agent": "michi-curl",
    accept: "*/*",
  };
  for (const h of flags.header) {
    const i = h.indexOf(":");
    if (i > 0) headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  const method = flags.request ?? (flags.data !== undefined ? "POST" : "GET");
  if (flags.data !== undefined) headers["content-length"] = String(Buffer.byteLength(flags.data));
  let source = "";
  const showFlows = async (): Promise<Flow[]> => {
    if (!localAddress) return [];
    // The server may accept (and log) the connection a moment after the kernel completed it.
    // Without a local port (the connect itself failed), the pod's newest TCP flow to this port is ours.
    const flows = source
      ? await flowsFor(client, source, 3000)
      : (await flowsFrom(client, localAddress, view.lastFlowId, 3000))
          .filter((f) => f.protocol === "TCP")
          .slice(-1);
    for (const f of flows) verbose(`flow: ${formatFlow(f)}`);
    return flows;
  };
  const make = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<number>((resolve) => {
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(code);
    };
    const req = make({
      host: connectHost,
      port: connectPort,
      ...(localAddress ? { localAddress } : {}),
      method,
      path: `${url.pathname}${url.search}`,
      headers,
      servername: host,
      rejectUnauthorized: !flags.insecure,
      agent: false,
    });
    const timer = setTimeout(async () => {
      req.destroy();
      const flows = await showFlows().catch(() => []);
      const denied = flows.find((f) => f.verdict !== "FORWARDED");
      if (denied) {
        process.stderr.write(`michi curl: (7) ${describeDenied(denied)}\n`);
        finish(7);
      } else {
        process.stderr.write(`michi curl: (28) no response within ${maxMs / 1000} s\n`);
        finish(28);
      }
    }, maxMs);
    req.on("socket", (s: Socket) => {
      s.on("connect", async () => {
        source = `${s.localAddress}:${s.localPort}`;
        // A dropped connection is accepted and then never answered: ask the data plane right away.
        const flows = await flowsFor(client, source, 3000).catch(() => []);
        const denied = flows.find((f) => f.verdict !== "FORWARDED");
        if (denied && !done) {
          for (const f of flows) verbose(`flow: ${formatFlow(f)}`);
          process.stderr.write(`michi curl: (7) ${describeDenied(denied)}\n`);
          req.destroy();
          finish(7);
        }
      });
    });
    req.on("response", (r) => {
      const chunks: Buffer[] = [];
      r.on("data", (c: Buffer) => chunks.push(c));
      r.on("end", async () => {
        await showFlows().catch(() => []);
        if (flags.verbose || flags.include) {
          const lines = [`HTTP/${r.httpVersion} ${r.statusCode} ${r.statusMessage}`];
          for (let i = 0; i < r.rawHeaders.length; i += 2)
            lines.push(`${r.rawHeaders[i]}: ${r.rawHeaders[i + 1]}`);
          const text = `${lines.join("\n")}\n\n`;
          if (flags.include) process.stdout.write(text);
          else process.stderr.write(lines.map((l) => `< ${l}`).join("\n") + "\n");
        }
        process.stdout.write(Buffer.concat(chunks));
        finish(0);
      });
    });
    req.on("error", async (err: NodeJS.ErrnoException) => {
      if (done) return;
      const flows = await showFlows().catch(() => []);
      const denied = flows.find((f) => f.verdict !== "FORWARDED");
      process.stderr.write(
        `michi curl: (7) ${denied ? describeDenied(denied) : `${err.code ?? ""} ${err.message}`.trim()}\n`,
      );
      finish(7);
    });
    if (flags.data !== undefined) req.write(flags.data);
    req.end();
  });
}

function describeDenied(f: Flow): string {
  if (f.reason === "policy") {
    return `${f.verdict} by NetworkPolicy (${f.deniedBy ?? "?"}): ${f.from} -> ${f.to}:${f.port}/${f.protocol}${f.policies.length ? ` [${f.policies.join(", ")}]` : ""}`;
  }
  return `${f.verdict}: ${f.from} -> ${f.to}:${f.port}/${f.protocol} (${f.reason ?? "?"})`;
}
