/**
 * Names, labels and annotations michi and a kubeadm cluster reserve: the
 * system-object marker, michi's readiness annotations, upstream well-known labels.
 */

/** Every object michi adds on its own (system namespaces, kube-dns, ingress-nginx…) carries this. */
export const SYSTEM_ANNOTATION = "michi.dev/system";

/** On a Pod (or a workload's pod template): "false" makes the pod not ready. */
export const READY_ANNOTATION = "michi.dev/ready";
/** On a workload (metadata or pod template): the last N replicas are not ready. */
export const UNREADY_REPLICAS_ANNOTATION = "michi.dev/unready-replicas";
/** On a Pod (or a workload's pod template): "true" makes the pod terminating. */
export const TERMINATING_ANNOTATION = "michi.dev/terminating";
/** On a workload: the last N replicas are terminating. */
export const TERMINATING_REPLICAS_ANNOTATION = "michi.dev/terminating-replicas";

export const LABEL_SERVICE_NAME = "kubernetes.io/service-name";
export const LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
export const ENDPOINTSLICE_CONTROLLER = "endpointslice-controller.k8s.io";
export const MIRRORING_CONTROLLER = "endpointslicemirroring-controller.k8s.io";
export const LABEL_HEADLESS = "service.kubernetes.io/headless";
export const LABEL_SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";
export const LABEL_METADATA_NAME = "kubernetes.io/metadata.name";
export const POD_TEMPLATE_HASH = "pod-template-hash";
export const CONTROLLER_REVISION_HASH = "controller-revision-hash";
