/**
 * The objects a kubeadm cluster (plus a standard ingress-nginx install, which
 * is michi's ingress controller) has before anything is applied:
 * the kubernetes and kube-dns Services, the CoreDNS Deployment, and the
 * ingress-nginx namespace, controller Deployment, Services and IngressClass
 * as the official deploy.yaml (provider "cloud") creates them.
 * Every one is marked `michi.dev/system: "true"`.
 */
import type { Deployment, IngressClass, Namespace, Service } from "../api/types.js";
import type { ClusterConfig } from "./config.js";
import { SYSTEM_ANNOTATION } from "./system-names.js";

const SYSTEM = { [SYSTEM_ANNOTATION]: "true" };

export const SYSTEM_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"] as const;
export const INGRESS_NAMESPACE = "ingress-nginx";
export const INGRESS_CONTROLLER = "k8s.io/ingress-nginx";
export const INGRESS_CLASS = "nginx";
/** Port the API server listens on, behind Service default/kubernetes. */
export const API_SERVER_PORT = 6443;

export const COREDNS_LABELS = { "k8s-app": "kube-dns" };
export const INGRESS_NGINX_LABELS = {
  "app.kubernetes.io/component": "controller",
  "app.kubernetes.io/instance": "ingress-nginx",
  "app.kubernetes.io/name": "ingress-nginx",
};
const INGRESS_NGINX_META_LABELS = {
  ...INGRESS_NGINX_LABELS,
  "app.kubernetes.io/part-of": "ingress-nginx",
  "app.kubernetes.io/version": "1.11.3",
};

export function systemNamespace(name: string): Namespace {
  const ns: Namespace = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, annotations: { ...SYSTEM } },
  };
  if (name === INGRESS_NAMESPACE && ns.metadata) {
    ns.metadata.labels = {
      "app.kubernetes.io/instance": "ingress-nginx",
      "app.kubernetes.io/name": "ingress-nginx",
    };
  }
  return ns;
}

/** Service default/kubernetes: first IP of the service CIDR, https 443 → 6443 (allocated by the API server). */
export function kubernetesService(clusterIP: string | undefined): Service {
  const s: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      labels: { component: "apiserver", provider: "kubernetes" },
      annotations: { ...SYSTEM },
    },
    spec: {
      type: "ClusterIP",
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: API_SERVER_PORT }],
    },
  };
  if (clusterIP && s.spec) s.spec.clusterIP = clusterIP;
  return s;
}

/** kube-system/kube-dns as kubeadm's CoreDNS addon creates it. */
export function kubeDnsService(config: ClusterConfig): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "kube-dns",
      namespace: "kube-system",
      labels: { ...COREDNS_LABELS, "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" },
      annotations: { ...SYSTEM, "prometheus.io/port": "9153", "prometheus.io/scrape": "true" },
    },
    spec: {
      clusterIP: config.dnsServiceIP,
      selector: { ...COREDNS_LABELS },
      ports: [
        { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
        { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
        { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
      ],
    },
  };
}

export function corednsDeployment(): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "coredns",
      namespace: "kube-system",
      labels: { ...COREDNS_LABELS },
      annotations: { ...SYSTEM },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { ...COREDNS_LABELS } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } },
      template: {
        metadata: { labels: { ...COREDNS_LABELS } },
        spec: {
          // CoreDNS itself resolves upstream names through the node's resolv.conf.
          dnsPolicy: "Default",
          priorityClassName: "system-cluster-critical",
          serviceAccountName: "coredns",
          nodeSelector: { "kubernetes.io/os": "linux" },
          tolerations: [
            { key: "CriticalAddonsOnly", operator: "Exists" },
            { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
          ],
          containers: [
            {
              name: "coredns",
              image: "registry.k8s.io/coredns/coredns:v1.11.3",
              args: ["-conf", "/etc/coredns/Corefile"],
              ports: [
                { name: "dns", containerPort: 53, protocol: "UDP" },
                { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
                { name: "metrics", containerPort: 9153, protocol: "TCP" },
              ],
              readinessProbe: { httpGet: { path: "/ready", port: 8181, scheme: "HTTP" } },
              livenessProbe: { httpGet: { path: "/health", port: 8080, scheme: "HTTP" } },
            },
          ],
        },
      },
    },
  };
}

export function ingressNginxDeployment(): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "ingress-nginx-controller",
      namespace: INGRESS_NAMESPACE,
      labels: { ...INGRESS_NGINX_META_LABELS },
      annotations: { ...SYSTEM },
    },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 10,
      minReadySeconds: 0,
      selector: { matchLabels: { ...INGRESS_NGINX_LABELS } },
      template: {
        metadata: { labels: { ...INGRESS_NGINX_META_LABELS } },
        spec: {
          dnsPolicy: "ClusterFirst",
          nodeSelector: { "kubernetes.io/os": "linux" },
          serviceAccountName: "ingress-nginx",
          terminationGracePeriodSeconds: 300,
          containers: [
            {
              name: "controller",
              image: "registry.k8s.io/ingress-nginx/controller:v1.11.3",
              args: [
                "/nginx-ingress-controller",
                "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
                "--election-id=ingress-nginx-leader",
                `--controller-class=${INGRESS_CONTROLLER}`,
                `--ingress-class=${INGRESS_CLASS}`,
                "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
                "--validating-webhook=:8443",
              ],
              env: [
                { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
              ],
              ports: [
                { name: "http", containerPort: 80, protocol: "TCP" },
                { name: "https", containerPort: 443, protocol: "TCP" },
                { name: "webhook", containerPort: 8443, protocol: "TCP" },
              ],
              readinessProbe: { httpGet: { path: "/healthz", port: 10254, scheme: "HTTP" } },
              livenessProbe: { httpGet: { path: "/healthz", port: 10254, scheme: "HTTP" } },
            },
          ],
        },
      },
    },
  };
}

/** ingress-nginx-controller (LoadBalancer, externalTrafficPolicy Local as in the cloud deploy.yaml) and its admission Service. */
export function ingressNginxServices(): Service[] {
  const meta = (name: string) => ({
    name,
    namespace: INGRESS_NAMESPACE,
    labels: { ...INGRESS_NGINX_META_LABELS },
    annotations: { ...SYSTEM },
  });
  return [
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("ingress-nginx-controller"),
      spec: {
        type: "LoadBalancer",
        externalTrafficPolicy: "Local",
        ipFamilyPolicy: "SingleStack",
        selector: { ...INGRESS_NGINX_LABELS },
        ports: [
          { name: "http", port: 80, protocol: "TCP", targetPort: "http", appProtocol: "http" },
          { name: "https", port: 443, protocol: "TCP", targetPort: "https", appProtocol: "https" },
        ],
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("ingress-nginx-controller-admission"),
      spec: {
        type: "ClusterIP",
        selector: { ...INGRESS_NGINX_LABELS },
        ports: [{ name: "https-webhook", port: 443, targetPort: "webhook", appProtocol: "https" }],
      },
    },
  ];
}

export function nginxIngressClass(): IngressClass {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "IngressClass",
    metadata: { name: INGRESS_CLASS, labels: { ...INGRESS_NGINX_META_LABELS }, annotations: { ...SYSTEM } },
    spec: { controller: INGRESS_CONTROLLER },
  };
}
