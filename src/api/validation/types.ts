/**
 * Field types, checked the way the API server's JSON decoding would: a
 * number or boolean where a string belongs (label value `version: 1.0`, env
 * `value: 8080`, ConfigMap data `port: 8080`), a string where an integer
 * belongs, a fraction in an int32. A real cluster rejects the whole object
 * with the Go decoding error; we report every such field with that error.
 *
 * YAML 1.1 (go-yaml, which kubectl uses) reads unquoted yes/no/on/off as
 * booleans. The loader hands over those YAML 1.1 values and records the
 * source text in `SourceRef.yaml11`, so the error can say why.
 */
import { formatFieldPath } from "../diagnostics.js";
import type { FieldError } from "./errors.js";
import { Path } from "./path.js";

export type Schema =
  | "string"
  | "int"
  | "bool"
  | "intOrString"
  | { map: Schema }
  | { list: Schema }
  | {
      obj: Readonly<Record<string, Schema>>;
      /** When set, the struct's complete field list: any other field is unknown. These names are known but not type-checked. */
      closed?: readonly string[];
    };

const S = "string" as const;
const I = "int" as const;
const B = "bool" as const;
const IOS = "intOrString" as const;
const list = (s: Schema): Schema => ({ list: s });
const map = (s: Schema): Schema => ({ map: s });
const obj = (o: Record<string, Schema>): Schema => ({ obj: o });
/** A struct whose every field is listed (typed ones in `o`, the rest in `more`). */
const closed = (o: Record<string, Schema>, ...more: string[]): Schema => ({ obj: o, closed: more });

// Complete field lists are kept to small, stable structs where typos are common
// (`targetport`, `serviceName` in a v1 Ingress backend); big, growing ones (PodSpec) stay open.
const META = closed(
  { name: S, generateName: S, namespace: S, labels: map(S), annotations: map(S) },
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "ownerReferences",
  "finalizers",
  "managedFields",
);
const SELECTOR = closed({
  matchLabels: map(S),
  matchExpressions: list(closed({ key: S, operator: S, values: list(S) })),
});
const PROBE = closed(
  {
    httpGet: closed({ path: S, port: IOS, host: S, scheme: S }, "httpHeaders"),
    tcpSocket: closed({ port: IOS, host: S }),
    initialDelaySeconds: I,
    periodSeconds: I,
    timeoutSeconds: I,
    successThreshold: I,
    failureThreshold: I,
  },
  "exec",
  "grpc",
  "terminationGracePeriodSeconds",
);
const CONTAINER = closed(
  {
    name: S,
    image: S,
    command: list(S),
    args: list(S),
    workingDir: S,
    imagePullPolicy: S,
    restartPolicy: S,
    ports: list(closed({ name: S, containerPort: I, protocol: S, hostPort: I, hostIP: S })),
    env: list(closed({ name: S, value: S }, "valueFrom")),
    readinessProbe: PROBE,
    livenessProbe: PROBE,
    startupProbe: PROBE,
  },
  "envFrom",
  "resources",
  "resizePolicy",
  "restartPolicyRules",
  "volumeMounts",
  "volumeDevices",
  "lifecycle",
  "terminationMessagePath",
  "terminationMessagePolicy",
  "securityContext",
  "stdin",
  "stdinOnce",
  "tty",
);
const POD_SPEC = obj({
  containers: list(CONTAINER),
  initContainers: list(CONTAINER),
  nodeName: S,
  nodeSelector: map(S),
  hostname: S,
  subdomain: S,
  hostNetwork: B,
  dnsPolicy: S,
  dnsConfig: closed({
    nameservers: list(S),
    searches: list(S),
    options: list(closed({ name: S, value: S })),
  }),
  setHostnameAsFQDN: B,
  enableServiceLinks: B,
  restartPolicy: S,
  serviceAccountName: S,
  terminationGracePeriodSeconds: I,
  hostAliases: list(closed({ ip: S, hostnames: list(S) })),
});
const TEMPLATE = closed({ metadata: META, spec: POD_SPEC });
const TOP = ["apiVersion", "kind", "status"];
const workload = (spec: Record<string, Schema>, ...more: string[]): Schema =>
  closed(
    {
      metadata: META,
      spec: closed(
        { selector: SELECTOR, template: TEMPLATE, minReadySeconds: I, ...spec },
        "revisionHistoryLimit",
        ...more,
      ),
    },
    ...TOP,
  );
const ENDPOINT_PORT = closed({ name: S, port: I, protocol: S, appProtocol: S });
const ENDPOINT_ADDRESS = closed({ ip: S, hostname: S, nodeName: S }, "targetRef");
const BACKEND = closed({
  service: closed({ name: S, port: closed({ name: S, number: I }) }),
  resource: closed({ apiGroup: S, kind: S, name: S }),
});
const PEER = closed({
  podSelector: SELECTOR,
  namespaceSelector: SELECTOR,
  ipBlock: closed({ cidr: S, except: list(S) }),
});
const NP_PORT = closed({ protocol: S, port: IOS, endPort: I });

/** Per kind: the fields michi reads, with the types the API server decodes them into. */
export const SCHEMAS: Readonly<Record<string, Schema>> = {
  Namespace: closed({ metadata: META, spec: closed({ finalizers: list(S) }) }, ...TOP),
  Node: closed({ metadata: META, spec: obj({ podCIDR: S, podCIDRs: list(S), unschedulable: B }) }, ...TOP),
  Pod: closed(
    {
      metadata: META,
      spec: POD_SPEC,
      status: obj({ conditions: list(obj({ type: S, status: S })), podIP: S }),
    },
    "apiVersion",
    "kind",
  ),
  Deployment: workload({ replicas: I, paused: B }, "strategy", "progressDeadlineSeconds"),
  ReplicaSet: workload({ replicas: I }),
  StatefulSet: workload(
    { replicas: I, serviceName: S, podManagementPolicy: S },
    "volumeClaimTemplates",
    "updateStrategy",
    "persistentVolumeClaimRetentionPolicy",
    "ordinals",
  ),
  DaemonSet: workload({}, "updateStrategy"),
  Service: closed(
    {
      metadata: META,
      spec: closed(
        {
          type: S,
          selector: map(S),
          ports: list(
            closed({ name: S, protocol: S, appProtocol: S, port: I, targetPort: IOS, nodePort: I }),
          ),
          clusterIP: S,
          clusterIPs: list(S),
          ipFamilies: list(S),
          ipFamilyPolicy: S,
          externalName: S,
          externalIPs: list(S),
          loadBalancerIP: S,
          loadBalancerSourceRanges: list(S),
          loadBalancerClass: S,
          allocateLoadBalancerNodePorts: B,
          externalTrafficPolicy: S,
          internalTrafficPolicy: S,
          healthCheckNodePort: I,
          sessionAffinity: S,
          sessionAffinityConfig: closed({ clientIP: closed({ timeoutSeconds: I }) }),
          publishNotReadyAddresses: B,
        },
        "trafficDistribution",
      ),
    },
    ...TOP,
  ),
  Endpoints: closed(
    {
      metadata: META,
      subsets: list(
        closed({
          addresses: list(ENDPOINT_ADDRESS),
          notReadyAddresses: list(ENDPOINT_ADDRESS),
          ports: list(ENDPOINT_PORT),
        }),
      ),
    },
    "apiVersion",
    "kind",
  ),
  EndpointSlice: closed(
    {
      metadata: META,
      addressType: S,
      endpoints: list(
        closed(
          {
            addresses: list(S),
            conditions: closed({ ready: B, serving: B, terminating: B }),
            hostname: S,
            nodeName: S,
            zone: S,
          },
          "targetRef",
          "hints",
          "deprecatedTopology",
        ),
      ),
      ports: list(ENDPOINT_PORT),
    },
    "apiVersion",
    "kind",
  ),
  Ingress: closed(
    {
      metadata: META,
      spec: closed({
        ingressClassName: S,
        defaultBackend: BACKEND,
        tls: list(closed({ hosts: list(S), secretName: S })),
        rules: list(
          closed({
            host: S,
            http: closed({ paths: list(closed({ path: S, pathType: S, backend: BACKEND })) }),
          }),
        ),
      }),
    },
    ...TOP,
  ),
  IngressClass: closed(
    {
      metadata: META,
      spec: closed({
        controller: S,
        parameters: closed({ apiGroup: S, kind: S, name: S, namespace: S, scope: S }),
      }),
    },
    "apiVersion",
    "kind",
  ),
  NetworkPolicy: closed(
    {
      metadata: META,
      spec: closed({
        podSelector: SELECTOR,
        policyTypes: list(S),
        ingress: list(closed({ from: list(PEER), ports: list(NP_PORT) })),
        egress: list(closed({ to: list(PEER), ports: list(NP_PORT) })),
      }),
    },
    // status was removed from NetworkPolicy in 1.27, but old manifests (kubectl create --dry-run) carry `status: {}`.
    ...TOP,
  ),
  Secret: closed(
    { metadata: META, type: S, data: map(S), stringData: map(S), immutable: B },
    "apiVersion",
    "kind",
  ),
  ConfigMap: closed({ metadata: META, data: map(S), binaryData: map(S), immutable: B }, "apiVersion", "kind"),
};

type JsonKind = "string" | "number" | "bool" | "array" | "object" | "null";

interface Seen {
  kind: JsonKind;
  /** The value as Kubernetes decodes it, for the message. */
  shown: string;
  /** Integer-valued number? */
  integral: boolean;
  /** Source text of a plain scalar YAML 1.1 reads differently. */
  yaml11?: string;
}

function inspect(value: unknown, source: string | undefined): Seen {
  if (value === null || value === undefined) return { kind: "null", shown: "null", integral: false };
  if (typeof value === "string") return { kind: "string", shown: JSON.stringify(value), integral: false };
  // `source` is set when YAML 1.1 read this plain scalar differently than YAML 1.2 would.
  const y = source === undefined ? {} : { yaml11: source };
  if (typeof value === "number") {
    // Every integer field michi checks is an int32: a number outside it does not decode either.
    const integral = Number.isInteger(value) && value >= -2147483648 && value <= 2147483647;
    return { kind: "number", shown: String(value), integral, ...y };
  }
  if (typeof value === "boolean") return { kind: "bool", shown: String(value), integral: false, ...y };
  if (Array.isArray(value)) return { kind: "array", shown: "[...]", integral: false };
  return { kind: "object", shown: "{...}", integral: false };
}

function goType(schema: Schema): string {
  if (schema === "string") return "string";
  if (schema === "int" || schema === "intOrString") return "int32";
  if (schema === "bool") return "bool";
  if ("map" in schema) return `map[string]${goType(schema.map)}`;
  if ("list" in schema) return `[]${goType(schema.list)}`;
  return "struct";
}

function accepts(schema: Schema, seen: Seen): boolean {
  if (seen.kind === "null") return true;
  if (schema === "string") return seen.kind === "string";
  if (schema === "bool") return seen.kind === "bool";
  if (schema === "int") return seen.kind === "number" && seen.integral;
  if (schema === "intOrString") return seen.kind === "string" || (seen.kind === "number" && seen.integral);
  if ("list" in schema) return seen.kind === "array";
  return seen.kind === "object";
}

function explain(schema: Schema, seen: Seen): string {
  // Go names the number only when it does not fit a numeric target ("number 80.5").
  const numeric = schema === "int" || schema === "intOrString";
  const what = seen.kind === "number" && !seen.integral && numeric ? `number ${seen.shown}` : seen.kind;
  // IntOrString decodes a non-string as int32, so that is the type Go names.
  const target = schema === "intOrString" && seen.kind !== "string" ? "int32" : goType(schema);
  let msg = `json: cannot unmarshal ${what} into Go value of type ${target}`;
  if (seen.yaml11 !== undefined && seen.kind === "bool") {
    msg += `; YAML 1.1 (which Kubernetes uses) reads the unquoted ${seen.yaml11} as a boolean; quote it: ${JSON.stringify(seen.yaml11)}`;
  } else if (seen.yaml11 !== undefined) {
    msg += `; YAML 1.1 (which Kubernetes uses) reads the unquoted ${seen.yaml11} as a number; quote it: ${JSON.stringify(seen.yaml11)}`;
  } else if (schema === "string" && (seen.kind === "number" || seen.kind === "bool")) {
    msg += "; quote the value to make it a string";
  }
  return msg;
}

/**
 * Where the walk is, as a parent-linked chain: built for free on the hot path
 * (every field of every object), turned into a Path only for an error.
 */
interface Cursor {
  parent: Cursor | undefined;
  seg: string | number;
  /** A map key (printed `[key]`) rather than a struct field (`.field`). */
  isKey: boolean;
}

function segmentsOf(c: Cursor | undefined): (string | number)[] {
  const out: (string | number)[] = [];
  for (let x = c; x; x = x.parent) out.push(x.seg);
  return out.reverse();
}

/** Upstream-style path: `.field`, `[i]`, and `[key]` for map keys. */
function pathOf(c: Cursor | undefined): Path {
  const chain: Cursor[] = [];
  for (let x = c; x; x = x.parent) chain.push(x);
  chain.reverse();
  let p = Path.raw("", []);
  for (const x of chain) {
    if (typeof x.seg === "number") p = p.index(x.seg);
    else p = x.isKey ? p.key(x.seg) : p.child(x.seg);
  }
  return p;
}

/**
 * Every field whose JSON type the API server could not decode, and every
 * field a closed struct does not have (strict decoding). Values are what
 * kubectl sends (the loader already applied YAML 1.1); `yaml11` is asked
 * (lazily: the loader computes it on demand) only to explain an error, and
 * maps formatted field paths to the source text of plain scalars YAML 1.1
 * reads differently.
 */
export function checkTypes(
  kind: string,
  object: unknown,
  yaml11?: () => ReadonlyMap<string, string> | undefined,
): FieldError[] {
  const schema = SCHEMAS[kind];
  if (!schema) return [];
  const errs: FieldError[] = [];
  const walk = (value: unknown, s: Schema, at: Cursor | undefined): void => {
    let seen = inspect(value, undefined);
    if (!accepts(s, seen)) {
      const segs = segmentsOf(at);
      const source = yaml11 && segs.length > 0 ? yaml11()?.get(formatFieldPath(segs)) : undefined;
      if (source !== undefined) seen = inspect(value, source);
      errs.push({
        type: "FieldTypeInvalid",
        path: pathOf(at),
        value: { raw: seen.shown },
        detail: explain(s, seen),
      });
      return;
    }
    if (typeof s === "string" || seen.kind === "null") return;
    if ("list" in s) {
      const items = value as unknown[];
      for (let i = 0; i < items.length; i++) walk(items[i], s.list, { parent: at, seg: i, isKey: false });
    } else if ("map" in s) {
      const record = value as Record<string, unknown>;
      for (const k in record) walk(record[k], s.map, { parent: at, seg: k, isKey: true });
    } else {
      const record = value as Record<string, unknown>;
      for (const k in record) {
        const v = record[k];
        const sub = Object.hasOwn(s.obj, k) ? s.obj[k] : undefined;
        if (sub !== undefined) {
          if (v !== undefined) walk(v, sub, { parent: at, seg: k, isKey: false });
        } else if (s.closed && !s.closed.includes(k)) {
          const c: Cursor = { parent: at, seg: k, isKey: false };
          errs.push({
            type: "UnknownField",
            // Printed without a field prefix, as the API server words it; located at the key.
            path: Path.raw("", segmentsOf(c)),
            detail: `strict decoding error: unknown field ${JSON.stringify(pathOf(c).text)}`,
          });
        }
      }
    }
  };
  walk(object, schema, undefined);
  return errs;
}
