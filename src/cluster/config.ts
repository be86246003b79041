/**
 * Cluster-wide settings a kubeadm cluster fixes at install time. Every range
 * is configurable; the defaults are kubeadm's (pods 10.244.0.0/16 as flannel
 * and kind use, services 10.96.0.0/12, NodePorts 30000-32767).
 */

export interface ClusterConfig {
  /** Number of nodes when no Node objects are given. */
  nodes: number;
  /** Node name prefix: nodes are `${nodeNamePrefix}${i}` for i = 1..nodes. */
  nodeNamePrefix: string;
  /** Node InternalIPs are taken in order from this CIDR, skipping the network address. */
  nodeCIDR: string;
  clusterDomain: string;
  /** Cluster pod CIDR; each node gets a /nodeCIDRMaskSize slice of it. */
  podCIDR: string;
  nodeCIDRMaskSize: number;
  serviceCIDR: string;
  nodePortRange: { min: number; max: number };
  /** Pool for LoadBalancer service IPs (status.loadBalancer.ingress). */
  loadBalancerCIDR: string;
  /** Cluster DNS service IP (kube-system/kube-dns). */
  dnsServiceIP: string;
  /** CoreDNS `pods` mode for A-B-C-D.NS.pod.ZONE records. */
  podsMode: "insecure" | "verified" | "disabled";
  /** DNS TTL in seconds (CoreDNS kubernetes plugin default 5). */
  dnsTTL: number;
  /**
   * Create the namespaces objects live in that no manifest creates, as a cluster admin
   * would beforehand (default true); false: such objects are rejected (`namespaces "X" not found`).
   */
  createNamespaces?: boolean;
  /** GatewayClasses michi's Gateway controller handles (`--gateway-class`); unset: every class. */
  gatewayClasses?: readonly string[];
}

export const defaultConfig: ClusterConfig = Object.freeze({
  nodes: 3,
  nodeNamePrefix: "node-",
  nodeCIDR: "10.1.0.0/24",
  clusterDomain: "cluster.local",
  podCIDR: "10.244.0.0/16",
  nodeCIDRMaskSize: 24,
  serviceCIDR: "10.96.0.0/12",
  nodePortRange: Object.freeze({ min: 30000, max: 32767 }),
  loadBalancerCIDR: "10.255.0.0/24",
  dnsServiceIP: "10.96.0.10",
  podsMode: "insecure",
  dnsTTL: 5,
}) as ClusterConfig;

export function makeConfig(overrides: Partial<ClusterConfig> = {}): ClusterConfig {
  return { ...defaultConfig, ...overrides };
}
