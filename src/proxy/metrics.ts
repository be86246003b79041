/**
 * Prometheus metrics named like ingress-nginx's
 * (`nginx_ingress_controller_requests`, `…_request_duration_seconds`).
 * Labels come from the compiled route (rule host, ingress, service, rule
 * path) and a closed set of methods, never from raw request fields, so
 * cardinality is bounded by the configuration, not by clients.
 */

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"]);
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route fields the labels come from (a RouteDecision). */
export interface RouteLabelSource {
  server: string;
  ingress: { namespace: string; name: string } | undefined;
  rule: { path: string } | undefined;
  backend: { service: string } | undefined;
  canary: { ingress: string; used: boolean } | undefined;
  matched: object | undefined;
}

interface Series {
  labels: string;
  count: number;
}

interface Histogram {
  labels: string;
  buckets: number[];
  sum: number;
  count: number;
}

const esc = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** The two series one request updates, found without building label strings once seen. */
interface SeriesPair {
  requests: Series;
  duration: Histogram;
}

export class IngressMetrics {
  private readonly requests = new Map<string, Series>();
  private readonly durations = new Map<string, Histogram>();
  /** common labels → canary → method → status → series (hot-path lookup). */
  private readonly byLabels = new Map<string, Map<string, Map<string, Map<number, SeriesPair>>>>();
  private reloads = 0;
  private lastTable: unknown;
  /** Label text per matched location (with / without a backend): built once, not per request. */
  private readonly withBackend = new WeakMap<object, string>();
  private readonly withoutBackend = new WeakMap<object, string>();

  private common(d: RouteLabelSource): string {
    const cache = d.backend ? this.withBackend : this.withoutBackend;
    const key = d.matched;
    // A canary decision may carry another service for the same location: not cached.
    const cacheable = key !== undefined && d.canary === undefined;
    const cached = cacheable ? cache.get(key) : undefined;
    if (cached !== undefined) return cached;
    const service = d.backend?.service.split("/")[1] ?? "";
    const c = `controller_class="k8s.io/ingress-nginx",host="${esc(d.server)}",ingress="${esc(d.ingress?.name ?? "")}",namespace="${esc(d.ingress?.namespace ?? "")}",path="${esc(d.rule?.path ?? "")}",service="${esc(service)}"`;
    if (cacheable) cache.set(key, c);
    return c;
  }

  observe(d: RouteLabelSource, rawMethod: string, status: number, seconds: number): void {
    const method = METHODS.has(rawMethod) ? rawMethod : "OTHER";
    const common = this.common(d);
    const canary = d.canary?.used ? d.canary.ingress : "";
    let byCanary = this.byLabels.get(common);
    if (!byCanary) {
      byCanary = new Map();
      this.byLabels.set(common, byCanary);
    }
    let byMethod = byCanary.get(canary);
    if (!byMethod) {
      byMethod = new Map();
      byCanary.set(canary, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (!byStatus) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let pair = byStatus.get(status);
    if (!pair) {
      pair = this.series(common, canary, method, status);
      byStatus.set(status, pair);
    }
    pair.requests.count++;
    const h = pair.duration;
    for (let i = 0; i < BUCKETS.length; i++)
      if (seconds <= (BUCKETS[i] as number)) h.buckets[i] = (h.buckets[i] ?? 0) + 1;
    h.sum += seconds;
    h.count++;
  }

  private series(common: string, canary: string, method: string, status: number): SeriesPair {
    const rk = `${common},canary="${esc(canary)}",method="${method}",status="${status}"`;
    let s = this.requests.get(rk);
    if (!s) {
      s = { labels: rk, count: 0 };
      this.requests.set(rk, s);
    }
    const hk = `${common},method="${method}",status="${status}"`;
    let h = this.durations.get(hk);
    if (!h) {
      h = { labels: hk, buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.durations.set(hk, h);
    }
    return { requests: s, duration: h };
  }

  /** Counts table generations actually used by requests (a reload in ingress-nginx terms). */
  noteTable(table: unknown): void {
    if (table !== this.lastTable) {
      if (this.lastTable !== undefined) this.reloads++;
      this.lastTable = table;
    }
  }

  render(): string {
    const out: string[] = [];
    out.push("# HELP nginx_ingress_controller_requests The total number of client requests");
    out.push("# TYPE nginx_ingress_controller_requests counter");
    for (const s of this.requests.values())
      out.push(`nginx_ingress_controller_requests{${s.labels}} ${s.count}`);
    out.push(
      "# HELP nginx_ingress_controller_request_duration_seconds The request processing time in seconds",
    );
    out.push("# TYPE nginx_ingress_controller_request_duration_seconds histogram");
    for (const h of this.durations.values()) {
      for (let i = 0; i < BUCKETS.length; i++) {
        const b = BUCKETS[i];
        out.push(
          `nginx_ingress_controller_request_duration_seconds_bucket{${h.labels},le="${b}"} ${h.buckets[i]}`,
        );
      }
      out.push(`nginx_ingress_controller_request_duration_seconds_bucket{${h.labels},le="+Inf"} ${h.count}`);
      out.push(`nginx_ingress_controller_request_duration_seconds_sum{${h.labels}} ${h.sum}`);
      out.push(`nginx_ingress_controller_request_duration_seconds_count{${h.labels}} ${h.count}`);
    }
    out.push(
      "# HELP nginx_ingress_controller_success Cumulative number of route table swaps seen by requests",
    );
    out.push("# TYPE nginx_ingress_controller_success counter");
    out.push(`nginx_ingress_controller_success ${this.reloads}`);
    return `${out.join("\n")}\n`;
  }
}
