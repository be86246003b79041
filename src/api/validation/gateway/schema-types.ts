/**
 * The shape of the compact Gateway API schema table (schema-table.ts): one
 * OpenAPI v3 node per entry with short keys, children by index into NODES.
 */

export interface CelRuleSpec {
  rule: string;
  message?: string;
  fieldPath?: string;
  reason?: string;
}

export interface CompactSchema {
  /** type */
  t?: string;
  /** format */
  f?: string;
  /** enum */
  e?: unknown[];
  /** pattern */
  p?: string;
  mnL?: number;
  mxL?: number;
  mn?: number;
  mx?: number;
  mnI?: number;
  mxI?: number;
  mnP?: number;
  mxP?: number;
  /** required */
  r?: string[];
  /** default */
  d?: unknown;
  /** properties */
  pr?: Record<string, number>;
  /** items */
  it?: number;
  /** additionalProperties */
  ap?: number;
  /** x-kubernetes-preserve-unknown-fields */
  pu?: boolean;
  /** x-kubernetes-list-type */
  lt?: string;
  /** x-kubernetes-list-map-keys */
  lk?: string[];
  oneOf?: number[];
  anyOf?: number[];
  not?: number;
  /** x-kubernetes-validations */
  x?: CelRuleSpec[];
}

export interface GatewayKindSchema {
  kind: string;
  plural: string;
  shortNames: string[];
  namespaced: boolean;
  /** Served apiVersion suffixes (`v1`, `v1beta1`), v1 first. */
  served: string[];
  /** Index of the spec schema in NODES. */
  spec: number;
  /** The experimental channel's spec schema (fields the standard channel does not have yet). */
  experimentalSpec?: number;
  /** additionalPrinterColumns of v1. */
  columns: { name: string; jsonPath: string; type: string; priority?: number }[];
}
