/**
 * The Gateway API kinds as src/api/kinds.ts lists kinds: the apiVersions a
 * cluster with the v1.6 CRDs serves (v1 first; v1beta1/v1alpha2/v1alpha3 where
 * the experimental channel still serves them), scope and plural resource.
 */
import { GATEWAY_GROUP, gatewayKinds } from "./schema.js";

export interface GatewayKindInfo {
  kind: string;
  apiVersions: readonly string[];
  namespaced: boolean;
  resource: string;
}

export const GATEWAY_KIND_INFOS: readonly GatewayKindInfo[] = gatewayKinds().map((k) => ({
  kind: k.kind,
  apiVersions: k.served.map((v) => `${GATEWAY_GROUP}/${v}`),
  namespaced: k.namespaced,
  resource: `${k.plural}.${GATEWAY_GROUP}`,
}));
