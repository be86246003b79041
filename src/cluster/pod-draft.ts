/**
 * A pod on its way from a workload to the cluster state: the object plus
 * what the scheduler, IPAM and status need. The workload controllers make
 * drafts, the scheduler binds them to nodes, pod IPAM gives them addresses.
 */
import type { Pod } from "../api/types.js";
import type { PodHealth } from "./readiness.js";

/** A pod before scheduling: the object plus what the scheduler and status need. */
export interface PodDraft {
  pod: Pod;
  /** Pods of one workload share a key and are spread round-robin by index. */
  spreadKey: string;
  spreadIndex: number;
  health: PodHealth;
  /** The pod's spec is shared with the other replicas (bind it with withNodeName, never write to it). */
  sharedSpec?: boolean;
}
