/**
 * The flow log, after Hubble: one record per connection (per UDP flow) with
 * who talked to whom, the verdict and the policies that decided it. Kept in a
 * ring buffer for `michi flows`, pushed to followers (the admin API's stream),
 * and counted for /metrics.
 */

export type FlowVerdict = "FORWARDED" | "DROPPED" | "REJECTED";

export interface Flow {
  id: number;
  time: string;
  /** `ns/pod` for pods, else the model IP. */
  from: string;
  to: string;
  /** Model addresses and ports as the policy engine saw them (after service translation). */
  fromIP: string;
  fromPort: number;
  toIP: string;
  port: number;
  protocol: string;
  verdict: FlowVerdict;
  /** Policies that decided the verdict (`namespace/name`). */
  policies: string[];
  /** Why, for DROPPED/REJECTED: `policy`, `no-endpoints`, `no-local-endpoints`, `unreachable`. */
  reason?: string;
  /** Service the connection was addressed to (`ns/name:port`), when it went through one. */
  service?: string;
  /** The address the client dialled (model) when it differs from `toIP` (service frontends). */
  via?: string;
  /** Which side denied it: `egress` or `ingress`. */
  deniedBy?: "egress" | "ingress";
  /** Local source address:port the data plane saw (lets a client find its own flow). */
  localSource: string;
}

export type FlowInput = Omit<Flow, "id" | "time">;

export class FlowLog {
  private readonly ring: (Flow | undefined)[];
  private next = 0;
  private seq = 0;
  private readonly followers = new Set<(f: Flow) => void>();
  readonly counters = { forwarded: 0, dropped: 0, rejected: 0, tcp: 0, udp: 0 };

  constructor(readonly capacity = 10_000) {
    this.ring = new Array(capacity);
  }

  record(input: FlowInput): Flow {
    const flow: Flow = { id: ++this.seq, time: new Date().toISOString(), ...input };
    this.ring[this.next] = flow;
    this.next = (this.next + 1) % this.capacity;
    if (flow.verdict === "FORWARDED") this.counters.forwarded++;
    else if (flow.verdict === "DROPPED") this.counters.dropped++;
    else this.counters.rejected++;
    if (flow.protocol === "UDP") this.counters.udp++;
    else this.counters.tcp++;
    for (const f of this.followers) {
      try {
        f(flow);
      } catch {
        // A broken follower must not break the data path.
      }
    }
    return flow;
  }

  /** Flows in order, oldest first; `since` = last id already seen. */
  list(since = 0): Flow[] {
    const out: Flow[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const f = this.ring[(this.next + i) % this.capacity];
      if (f && f.id > since) out.push(f);
    }
    return out;
  }

  /** Id of the newest flow (0 when none): clients remember it to ask for what came after. */
  get lastId(): number {
    return this.seq;
  }

  follow(fn: (f: Flow) => void): () => void {
    this.followers.add(fn);
    return () => this.followers.delete(fn);
  }
}
