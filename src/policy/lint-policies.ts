/**
 * NetworkPolicy lint: selectors that match nothing (dead rules), namespace
 * selectors keyed on the hand-set `name` label instead of the automatic
 * `kubernetes.io/metadata.name`, named ports no destination pod declares, and
 * rules the policy's explicit policyTypes make the API server ignore.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import type { LabelSelector, NetworkPolicy } from "../api/types.js";
import {
  type CompiledPeer,
  type CompiledPolicy,
  type Direction,
  effectivePolicyTypes,
} from "./compiled-policy.js";
import { NAMESPACE_NAME_LABEL, type PodView } from "./endpoint.js";
import type { PolicyEngine } from "./engine.js";
import { finding } from "./lint-finding.js";

const HAND_SET_KEY = "name";

/** The value a namespaceSelector expects in the `name` label, when it is keyed on it. */
function handSetName(sel: LabelSelector | undefined): string | undefined {
  if (!sel) return undefined;
  const v = sel.matchLabels?.[HAND_SET_KEY];
  if (v !== undefined) return v;
  const e = sel.matchExpressions?.find((x) => x.key === HAND_SET_KEY && x.operator === "In");
  if (e) return e.values?.join(", ");
  return sel.matchExpressions?.some((x) => x.key === HAND_SET_KEY) ? "" : undefined;
}

function suggestMetadataName(value: string): string {
  return value && !value.includes(",")
    ? `select on the label the API server sets on every namespace: \`namespaceSelector: {matchLabels: {${NAMESPACE_NAME_LABEL}: ${value}}}\``
    : `select on the automatic \`${NAMESPACE_NAME_LABEL}\` label instead of \`name\``;
}

export function lintPolicies(engine: PolicyEngine): Diagnostic[] {
  const out: Diagnostic[] = [];
  const pods = engine.state.pods.map((p) => engine.view(p)).filter((v) => !v.hostNetwork);
  const namespaces = new Map<string, Record<string, string>>();
  for (const ns of engine.state.namespaces) {
    const name = ns.metadata?.name ?? "";
    namespaces.set(name, { ...(ns.metadata?.labels ?? {}), [NAMESPACE_NAME_LABEL]: name });
  }
  for (const v of pods) if (!namespaces.has(v.namespace)) namespaces.set(v.namespace, v.namespaceLabels);

  for (const policy of engine.policies) {
    const np = policy.source;
    const selected = pods.filter(
      (v) => v.namespace === policy.namespace && policy.podSelector.matches(v.labels),
    );
    if (selected.length === 0) {
      out.push(
        finding(
          np,
          "warning",
          "PolicySelectsNoPods",
          ["spec", "podSelector"],
          `podSelector ${policy.podSelector.text} selects no pod in namespace ${policy.namespace}: the policy has no effect`,
        ),
      );
    }
    lintIgnoredRules(np, out);
    for (const dir of ["ingress", "egress"] as const) {
      const rules = dir === "ingress" ? policy.ingress : policy.egress;
      rules?.forEach((rule) => {
        const field = dir === "ingress" ? "from" : "to";
        const matchedByRule: PodView[] = [];
        for (const peer of rule.peers ?? []) {
          const rawPeer = (
            dir === "ingress" ? np.spec?.ingress?.[rule.index]?.from : np.spec?.egress?.[rule.index]?.to
          )?.[peer.index];
          const path = ["spec", dir, rule.index, field, peer.index];
          matchedByRule.push(
            ...lintPeer(policy, peer, rawPeer?.namespaceSelector, path, pods, namespaces, out),
          );
        }
        // Named ports resolve on the destination: the selected pods for ingress, the peers' pods for egress.
        const destinations = dir === "ingress" ? selected : rule.peers ? matchedByRule : pods;
        rule.ports?.forEach((p, k) => {
          if (p.kind !== "named") return;
          const declared = destinations.some((v) =>
            v.ports.some((cp) => cp.name === p.name && (cp.protocol ?? "TCP") === p.protocol),
          );
          if (!declared) {
            out.push(
              finding(
                np,
                "warning",
                "NamedPortNotDeclared",
                ["spec", dir, rule.index, "ports", k, "port"],
                `named port ${JSON.stringify(p.name)} (${p.protocol}) is declared by no ${dir === "ingress" ? "pod this policy selects" : "pod this rule allows traffic to"}: the entry opens nothing`,
                "name a containerPort of the destination pods, or use the port number",
              ),
            );
          }
        });
      });
    }
  }
  return out;
}

function lintIgnoredRules(np: NetworkPolicy, out: Diagnostic[]): void {
  const t = effectivePolicyTypes(np);
  if (!t.explicit) return;
  const check = (dir: Direction, has: boolean, type: string) => {
    const rules = dir === "ingress" ? np.spec?.ingress : np.spec?.egress;
    if (!has && rules && rules.length > 0) {
      out.push(
        finding(
          np,
          "warning",
          "RulesIgnoredByPolicyTypes",
          ["spec", dir],
          `${dir} rules are ignored: policyTypes is [${np.spec?.policyTypes?.join(", ")}] without ${type}`,
          `add ${type} to spec.policyTypes (note: that also isolates the selected pods for ${dir})`,
        ),
      );
    }
  };
  check("ingress", t.ingress, "Ingress");
  check("egress", t.egress, "Egress");
}

function lintPeer(
  policy: CompiledPolicy,
  peer: CompiledPeer,
  rawNsSel: LabelSelector | undefined,
  path: (string | number)[],
  pods: readonly PodView[],
  namespaces: Map<string, Record<string, string>>,
  out: Diagnostic[],
): PodView[] {
  if (peer.kind !== "pods") return [];
  const np = policy.source;
  const nsMatched = peer.namespace
    ? [...namespaces].filter(([, labels]) => peer.namespace!.matches(labels)).map(([n]) => n)
    : [policy.namespace];
  const handSet = handSetName(rawNsSel);
  if (peer.namespace && nsMatched.length === 0) {
    const msg = `namespaceSelector ${peer.namespace.text} matches no namespace: this peer allows nothing`;
    const hint =
      handSet !== undefined
        ? `${suggestMetadataName(handSet)}; namespaces created with \`kubectl create namespace\` have no \`name\` label`
        : `namespaces and their labels: ${[...namespaces]
            .map(
              ([n, l]) =>
                `${n} {${Object.entries(l)
                  .filter(([k]) => k !== NAMESPACE_NAME_LABEL)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(",")}}`,
            )
            .join(", ")}`;
    out.push(finding(np, "warning", "SelectorMatchesNothing", [...path, "namespaceSelector"], msg, hint));
    return [];
  }
  if (peer.namespace && handSet !== undefined) {
    out.push(
      finding(
        np,
        "warning",
        "NamespaceSelectorOnNameLabel",
        [...path, "namespaceSelector"],
        `namespaceSelector ${peer.namespace.text} relies on the hand-set \`name\` label (matches ${nsMatched.join(", ")}); standard installs (ingress-nginx, kube-prometheus, kubectl create namespace) do not set it, so the rule silently stops matching when the namespace is recreated`,
        suggestMetadataName(handSet),
      ),
    );
  }
  const nsSet = new Set(nsMatched);
  const matched = pods.filter((v) => nsSet.has(v.namespace) && peer.pod.matches(v.labels));
  if (matched.length === 0) {
    const where = peer.namespace
      ? `namespaces ${nsMatched.join(", ")}`
      : `namespace ${policy.namespace} (a podSelector without namespaceSelector only looks there)`;
    out.push(
      finding(
        np,
        "warning",
        "SelectorMatchesNothing",
        [...path, "podSelector"],
        `podSelector ${peer.pod.text} matches no pod in ${where}: this peer allows nothing`,
      ),
    );
  }
  return matched;
}
