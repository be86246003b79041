/**
 * The proxy's public shape: what it is started with (listen addresses, the
 * route table to serve, where model endpoints really listen, logging,
 * timeouts, advertised ports) and what a running proxy offers.
 */
import type { AddressInfo } from "node:net";
import type { AccessLogEntry } from "./access-log.js";
import type { PemPair } from "./default-cert.js";
import type { CompiledRoutes } from "./routes.js";

export interface ListenAddress {
  host: string;
  port: number;
}

export interface ProxyOptions {
  http?: ListenAddress;
  https?: ListenAddress;
  /** The routes to serve, read once per request (a reload swaps them); undefined before the first compile (503). */
  routes: () => CompiledRoutes | undefined;
  /** Model endpoint → the local address to connect to. */
  upstream: (ep: { ip: string; port: number }) => { host: string; port: number };
  /** Bind outgoing connections here so backends see the controller pod as the source. */
  localAddress?: string;
  onAccessLog?: (line: string, entry: AccessLogEntry) => void;
  accessLogFormat?: "upstreaminfo" | "json";
  /** Add `X-Michi-Route` naming the matched route, rule and backend to responses. */
  debugHeader?: boolean;
  /** Served for names no certificate covers; generated when omitted. */
  defaultCertificate?: PemPair;
  /** proxy_next_upstream_tries (default 3). */
  upstreamTries?: number;
  /** Client keep-alive timeout (nginx keepalive_timeout, default 75 s). */
  keepAliveTimeoutMs?: number;
  /**
   * The ports clients connect to, when they differ from the listening ports
   * (the controller pod listens on 80/443 behind a LoadBalancer or `--https`
   * frontend): used for X-Forwarded-Port and the ssl-redirect Location (the
   * port is left out when it is 443). Default: the listening ports.
   */
  ports?: { http?: number; https?: number };
  /** Offer HTTP/2 on the HTTPS listener via ALPN (`h2`, with HTTP/1.1 still accepted). Upstreams stay HTTP/1.1. */
  http2?: boolean;
}

export interface RunningProxy {
  readonly addresses: { http?: AddressInfo; https?: AddressInfo };
  /** Prometheus text exposition. */
  metrics(): string;
  /** Stop accepting, let in-flight requests finish (up to graceMs), then close everything. */
  close(graceMs?: number): Promise<void>;
}
