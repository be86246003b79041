/**
 * Service environment variables the kubelet injects into every container
 * (kubelet getServiceEnvVarMap + pkg/kubelet/envvars FromServices):
 * for each Service with a cluster IP in the pod's namespace (only when
 * enableServiceLinks is not false) plus the master service default/kubernetes
 * (always), `{SVC}_SERVICE_HOST`, `{SVC}_SERVICE_PORT`,
 * `{SVC}_SERVICE_PORT_{PORTNAME}` and the Docker-link variables
 * `{SVC}_PORT`, `{SVC}_PORT_{port}_{PROTO}[_PROTO|_PORT|_ADDR]`.
 * Names are upper-cased with '-' → '_'. A same-named Service in the pod's own
 * namespace takes the master service's place.
 */
import type { Pod, Service } from "../api/types.js";
import type { ClusterState } from "./state.js";

export interface EnvVarValue {
  name: string;
  value: string;
}

const MASTER_SERVICES = new Set(["kubernetes"]);

function envName(s: string): string {
  return s.replaceAll("-", "_").toUpperCase();
}

function hasIP(s: Service): boolean {
  const ip = s.spec?.clusterIP;
  return ip !== undefined && ip !== "" && ip !== "None";
}

function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** envvars.FromServices for one service. */
export function serviceEnv(svc: Service): EnvVarValue[] {
  const ports = svc.spec?.ports ?? [];
  const ip = svc.spec?.clusterIP ?? "";
  const prefix = envName(svc.metadata?.name ?? "");
  const first = ports[0];
  if (!hasIP(svc) || !first) return [];
  const out: EnvVarValue[] = [
    { name: `${prefix}_SERVICE_HOST`, value: ip },
    { name: `${prefix}_SERVICE_PORT`, value: String(first.port) },
  ];
  for (const p of ports) {
    if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${envName(p.name)}`, value: String(p.port) });
  }
  ports.forEach((p, i) => {
    const proto = p.protocol ?? "TCP";
    const url = `${proto.toLowerCase()}://${joinHostPort(ip, p.port)}`;
    // Docker special-cases the first port.
    if (i === 0) out.push({ name: `${prefix}_PORT`, value: url });
    const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push(
      { name: pp, value: url },
      { name: `${pp}_PROTO`, value: proto.toLowerCase() },
      { name: `${pp}_PORT`, value: String(p.port) },
      { name: `${pp}_ADDR`, value: ip },
    );
  });
  return out;
}

/** The variables in the order michi prints them: services by name, each in FromServices order. */
export function serviceEnvFor(pod: Pod, state: ClusterState): EnvVarValue[] {
  const ns = pod.metadata?.namespace ?? "default";
  const links = pod.spec?.enableServiceLinks !== false;
  const chosen = new Map<string, Service>();
  for (const s of state.services) {
    if (!hasIP(s)) continue;
    const name = s.metadata?.name ?? "";
    const sns = s.metadata?.namespace ?? "default";
    if (sns === "default" && MASTER_SERVICES.has(name)) {
      if (!chosen.has(name)) chosen.set(name, s);
    } else if (sns === ns && links) {
      chosen.set(name, s);
    }
  }
  // Variables are a map in the kubelet; a later service's variable of the same name overwrites an earlier one.
  const vars = new Map<string, string>();
  for (const name of [...chosen.keys()].sort()) {
    const s = chosen.get(name);
    if (s) for (const v of serviceEnv(s)) vars.set(v.name, v.value);
  }
  return [...vars].map(([name, value]) => ({ name, value }));
}
