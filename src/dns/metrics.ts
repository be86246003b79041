/**
 * Prometheus metrics named and labelled like CoreDNS's (plugin/metrics,
 * plugin/cache, plugin/forward), so dashboards built for a cluster's CoreDNS
 * read michi's DNS too. Rendered in the text exposition format.
 */

/** CoreDNS plugin.TimeBuckets: prometheus.ExponentialBuckets(0.00025, 2, 16). */
export const TIME_BUCKETS: readonly number[] = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

/** The query types CoreDNS reports by name (vars.monitorType); the rest are "other". */
const MONITORED = new Map<number, string>([
  [1, "A"],
  [28, "AAAA"],
  [15, "MX"],
  [6, "SOA"],
  [5, "CNAME"],
  [12, "PTR"],
  [16, "TXT"],
  [2, "NS"],
  [33, "SRV"],
  [43, "DS"],
  [48, "DNSKEY"],
  [46, "RRSIG"],
  [47, "NSEC"],
  [50, "NSEC3"],
  [13, "HINFO"],
  [251, "IXFR"],
  [252, "AXFR"],
  [255, "ANY"],
  [64, "SVCB"],
  [65, "HTTPS"],
]);

export function metricType(qtype: number): string {
  return MONITORED.get(qtype) ?? "other";
}

function escapeLabel(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

function labels(obj: Record<string, string>): string {
  return `{${Object.entries(obj)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(",")}}`;
}

/** One counter series' value, held by reference so a hot path can bump it without a lookup. */
export interface CounterCell {
  n: number;
}

class Counter {
  readonly values = new Map<string, CounterCell>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  /** The series for `labelText`, created at 0 (it renders from then on, so only ask for it to count). */
  cell(labelText: string): CounterCell {
    let c = this.values.get(labelText);
    if (c === undefined) {
      c = { n: 0 };
      this.values.set(labelText, c);
    }
    return c;
  }
  inc(labelText: string, by = 1): void {
    this.cell(labelText).n += by;
  }
  render(kind = "counter"): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} ${kind}\n`;
    for (const [l, v] of this.values) out += `${this.name}${l} ${v.n}\n`;
    return out;
  }
}

interface HistogramSeries {
  labels: Record<string, string>;
  counts: number[];
  sum: number;
  count: number;
}

class Histogram {
  /** Per series: non-cumulative bucket counts (the +Inf overflow last); made cumulative when rendered. */
  readonly series = new Map<string, HistogramSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}
  /** The series for `key` (created empty: only ask for it to observe into it). */
  seriesFor(key: string, labelObj: () => Record<string, string>): HistogramSeries {
    let s = this.series.get(key);
    if (!s) {
      s = { labels: labelObj(), counts: new Array(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    return s;
  }
  observe(key: string, labelObj: () => Record<string, string>, value: number): void {
    this.observeIn(this.seriesFor(key, labelObj), value);
  }
  observeIn(s: HistogramSeries, value: number): void {
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const s of this.series.values()) {
      let acc = 0;
      this.buckets.forEach((b, i) => {
        acc += s.counts[i]!;
        out += `${this.name}_bucket${labels({ ...s.labels, le: String(b) })} ${acc}\n`;
      });
      out += `${this.name}_bucket${labels({ ...s.labels, le: "+Inf" })} ${s.count}\n`;
      out += `${this.name}_sum${labels(s.labels)} ${s.sum}\n`;
      out += `${this.name}_count${labels(s.labels)} ${s.count}\n`;
    }
    return out;
  }
}

/** See `DnsMetrics.answerHandle`. */
export interface AnswerHandle {
  readonly request: CounterCell;
  readonly response: CounterCell;
  readonly duration: HistogramSeries;
}

export class DnsMetrics {
  private readonly requests = new Counter(
    "coredns_dns_requests_total",
    "Counter of DNS requests made per zone, protocol and family.",
  );
  private readonly responses = new Counter(
    "coredns_dns_responses_total",
    "Counter of response status codes.",
  );
  private readonly duration = new Histogram(
    "coredns_dns_request_duration_seconds",
    "Histogram of the time (in seconds) each request took per zone.",
    TIME_BUCKETS,
  );
  private readonly cacheHits = new Counter("coredns_cache_hits_total", "The count of cache hits.");
  private readonly cacheMisses = new Counter("coredns_cache_misses_total", "The count of cache misses.");
  private readonly forwardRequests = new Counter(
    "coredns_forward_requests_total",
    "Counter of requests made per upstream.",
  );
  private readonly forwardRejects = new Counter(
    "coredns_forward_max_concurrent_rejects_total",
    "Counter of the number of queries rejected because the concurrent queries were at maximum.",
  );
  private readonly base: { server: string; zone: string; view: string };
  cacheEntries: () => number = () => 0;

  constructor(server: string) {
    this.base = { server, zone: ".", view: "" };
  }

  /** Label text per key, built once: the hot path only does Map lookups. */
  private readonly labelCache = new Map<string, string>();

  private cachedLabels(key: string, build: () => Record<string, string>): string {
    let text = this.labelCache.get(key);
    if (text === undefined) {
      text = labels(build());
      this.labelCache.set(key, text);
    }
    return text;
  }

  request(proto: "udp" | "tcp", family: 4 | 6, qtype: number): void {
    const type = metricType(qtype);
    this.requests.inc(
      this.cachedLabels(`q${proto}${family}${type}`, () => ({
        ...this.base,
        proto,
        family: family === 6 ? "2" : "1",
        type,
      })),
    );
  }

  /**
   * The three series one answered query moves (request, response, duration), resolved once: a
   * cached answer keeps its handle and counts with `answered`, no label lookups per query.
   * Only ask for a handle to count with it at once (its series render from then on, at 0 before).
   */
  answerHandle(
    proto: "udp" | "tcp",
    family: 4 | 6,
    qtype: number,
    rcode: string,
    plugin: string,
  ): AnswerHandle {
    const type = metricType(qtype);
    return {
      request: this.requests.cell(
        this.cachedLabels(`q${proto}${family}${type}`, () => ({
          ...this.base,
          proto,
          family: family === 6 ? "2" : "1",
          type,
        })),
      ),
      response: this.responses.cell(
        this.cachedLabels(`r${rcode}|${plugin}`, () => ({ ...this.base, rcode, plugin })),
      ),
      duration: this.duration.seriesFor(type, () => ({ ...this.base, type })),
    };
  }

  /** Counts one query answered through a handle: the same series `request` + `response` move. */
  answered(h: AnswerHandle, seconds: number): void {
    h.request.n++;
    h.response.n++;
    this.duration.observeIn(h.duration, seconds);
  }

  response(rcode: string, plugin: string, qtype: number, seconds: number): void {
    this.responses.inc(this.cachedLabels(`r${rcode}|${plugin}`, () => ({ ...this.base, rcode, plugin })));
    const type = metricType(qtype);
    this.duration.observe(type, () => ({ ...this.base, type }), seconds);
  }

  cacheHit(kind: "success" | "denial"): void {
    this.cacheHits.inc(labels({ server: this.base.server, type: kind, zones: ".", view: "" }));
  }

  cacheMiss(): void {
    this.cacheMisses.inc(labels({ server: this.base.server, zones: ".", view: "" }));
  }

  forwarded(to: string): void {
    this.forwardRequests.inc(labels({ to }));
  }

  forwardRejected(): void {
    this.forwardRejects.inc(labels({}));
  }

  /** Prometheus text exposition of every series. */
  render(): string {
    const entries = `# HELP coredns_cache_entries The number of elements in the cache.\n# TYPE coredns_cache_entries gauge\ncoredns_cache_entries${labels({ server: this.base.server, type: "success", zones: ".", view: "" })} ${this.cacheEntries()}\n`;
    return [
      this.requests.render(),
      this.responses.render(),
      this.duration.render(),
      this.cacheHits.render(),
      this.cacheMisses.render(),
      entries,
      this.forwardRequests.render(),
      this.forwardRejects.render(),
    ].join("");
  }
}
