/**
 * Which API versions a Kubernetes minor serves, for `helm template
 * --api-versions` (so `.Capabilities.APIVersions` matches the cluster) and
 * for `validate --rendered` (an object of an API the cluster no longer
 * serves, or not yet). From the Kubernetes deprecated API migration guide
 * (https://kubernetes.io/docs/reference/using-api/deprecation-guide/) and
 * the API reference of each release; built-in kinds only.
 */

/** A built-in API: its group/version, kinds, the minor it was first served in, and the minor that stopped serving it with what replaces it. */
interface Api {
  readonly groupVersion: string;
  readonly kinds: readonly string[];
  readonly since: number;
  readonly removed?: { readonly in: number; readonly use: string };
}

const api = (groupVersion: string, kinds: string, since: number, removed?: [number, string]): Api => ({
  groupVersion,
  kinds: kinds.split(' '),
  since,
  ...(removed ? { removed: { in: removed[0], use: removed[1] } } : {}),
});

const APIS: readonly Api[] = [
  api('v1', 'Binding ConfigMap Endpoints Event LimitRange Namespace Node PersistentVolume PersistentVolumeClaim Pod PodTemplate ReplicationController ResourceQuota Secret Service ServiceAccount', 0),
  api('apps/v1', 'ControllerRevision DaemonSet Deployment ReplicaSet StatefulSet', 9),
  api('batch/v1', 'Job', 0),
  api('batch/v1', 'CronJob', 21),
  api('autoscaling/v1', 'HorizontalPodAutoscaler', 0),
  api('autoscaling/v2', 'HorizontalPodAutoscaler', 23),
  api('networking.k8s.io/v1', 'NetworkPolicy', 7),
  api('networking.k8s.io/v1', 'Ingress IngressClass', 19),
  api('policy/v1', 'PodDisruptionBudget', 21),
  api('rbac.authorization.k8s.io/v1', 'ClusterRole ClusterRoleBinding Role RoleBinding', 8),
  api('storage.k8s.io/v1', 'StorageClass', 6),
  api('storage.k8s.io/v1', 'VolumeAttachment', 13),
  api('storage.k8s.io/v1', 'CSINode', 17),
  api('storage.k8s.io/v1', 'CSIDriver', 18),
  api('storage.k8s.io/v1', 'CSIStorageCapacity', 24),
  api('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 16),
  api('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration ValidatingWebhookConfiguration', 16),
  api('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy ValidatingAdmissionPolicyBinding', 30),
  api('apiregistration.k8s.io/v1', 'APIService', 10),
  api('scheduling.k8s.io/v1', 'PriorityClass', 14),
  api('coordination.k8s.io/v1', 'Lease', 14),
  api('certificates.k8s.io/v1', 'CertificateSigningRequest', 19),
  api('discovery.k8s.io/v1', 'EndpointSlice', 21),
  api('events.k8s.io/v1', 'Event', 19),
  api('node.k8s.io/v1', 'RuntimeClass', 20),
  api('flowcontrol.apiserver.k8s.io/v1', 'FlowSchema PriorityLevelConfiguration', 29),
  api('authentication.k8s.io/v1', 'TokenReview', 6),
  api('authorization.k8s.io/v1', 'LocalSubjectAccessReview SelfSubjectAccessReview SelfSubjectRulesReview SubjectAccessReview', 6),
  // Served once, removed since.
  api('extensions/v1beta1', 'DaemonSet Deployment ReplicaSet', 0, [16, 'apps/v1']),
  api('extensions/v1beta1', 'NetworkPolicy', 0, [16, 'networking.k8s.io/v1']),
  api('extensions/v1beta1', 'PodSecurityPolicy', 0, [16, 'policy/v1beta1 until 1.25, then Pod Security Admission']),
  api('extensions/v1beta1', 'Ingress', 0, [22, 'networking.k8s.io/v1']),
  api('apps/v1beta1', 'ControllerRevision Deployment StatefulSet', 5, [16, 'apps/v1']),
  api('apps/v1beta2', 'ControllerRevision DaemonSet Deployment ReplicaSet StatefulSet', 8, [16, 'apps/v1']),
  api('networking.k8s.io/v1beta1', 'Ingress', 14, [22, 'networking.k8s.io/v1']),
  api('networking.k8s.io/v1beta1', 'IngressClass', 18, [22, 'networking.k8s.io/v1']),
  api('rbac.authorization.k8s.io/v1beta1', 'ClusterRole ClusterRoleBinding Role RoleBinding', 6, [22, 'rbac.authorization.k8s.io/v1']),
  api('apiextensions.k8s.io/v1beta1', 'CustomResourceDefinition', 7, [22, 'apiextensions.k8s.io/v1']),
  api('admissionregistration.k8s.io/v1beta1', 'MutatingWebhookConfiguration ValidatingWebhookConfiguration', 9, [22, 'admissionregistration.k8s.io/v1']),
  api('apiregistration.k8s.io/v1beta1', 'APIService', 7, [22, 'apiregistration.k8s.io/v1']),
  api('scheduling.k8s.io/v1beta1', 'PriorityClass', 11, [22, 'scheduling.k8s.io/v1']),
  api('coordination.k8s.io/v1beta1', 'Lease', 12, [22, 'coordination.k8s.io/v1']),
  api('certificates.k8s.io/v1beta1', 'CertificateSigningRequest', 4, [22, 'certificates.k8s.io/v1']),
  api('storage.k8s.io/v1beta1', 'CSIDriver CSINode StorageClass VolumeAttachment', 4, [22, 'storage.k8s.io/v1']),
  api('authentication.k8s.io/v1beta1', 'TokenReview', 3, [22, 'authentication.k8s.io/v1']),
  api('authorization.k8s.io/v1beta1', 'LocalSubjectAccessReview SelfSubjectAccessReview SubjectAccessReview', 3, [22, 'authorization.k8s.io/v1']),
  api('batch/v1beta1', 'CronJob', 8, [25, 'batch/v1']),
  api('discovery.k8s.io/v1beta1', 'EndpointSlice', 17, [25, 'discovery.k8s.io/v1']),
  api('events.k8s.io/v1beta1', 'Event', 8, [25, 'events.k8s.io/v1']),
  api('autoscaling/v2beta1', 'HorizontalPodAutoscaler', 8, [25, 'autoscaling/v2']),
  api('policy/v1beta1', 'PodDisruptionBudget', 5, [25, 'policy/v1']),
  api('policy/v1beta1', 'PodSecurityPolicy', 10, [25, 'Pod Security Admission (no API object: namespace labels)']),
  api('node.k8s.io/v1beta1', 'RuntimeClass', 14, [25, 'node.k8s.io/v1']),
  api('flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema PriorityLevelConfiguration', 20, [26, 'flowcontrol.apiserver.k8s.io/v1']),
  api('autoscaling/v2beta2', 'HorizontalPodAutoscaler', 12, [26, 'autoscaling/v2']),
  api('storage.k8s.io/v1beta1', 'CSIStorageCapacity', 21, [27, 'storage.k8s.io/v1']),
  api('flowcontrol.apiserver.k8s.io/v1beta2', 'FlowSchema PriorityLevelConfiguration', 23, [29, 'flowcontrol.apiserver.k8s.io/v1']),
  api('flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema PriorityLevelConfiguration', 26, [32, 'flowcontrol.apiserver.k8s.io/v1']),
];

/** The minor of a `1.NN` version. */
export function minorOf(kubernetesVersion: string): number {
  return Number(kubernetesVersion.split('.')[1]);
}

/** What `--api-versions` gets for a Kubernetes minor: each group/version it serves, and `group/version/Kind` for each kind, sorted. */
export function servedApiVersions(kubernetesVersion: string): string[] {
  const minor = minorOf(kubernetesVersion);
  const out = new Set<string>();
  for (const a of APIS) {
    if (a.since > minor || (a.removed !== undefined && a.removed.in <= minor)) continue;
    out.add(a.groupVersion);
    for (const kind of a.kinds) out.add(`${a.groupVersion}/${kind}`);
  }
  return [...out].sort();
}

/** Whether helmflux knows this group/version as a built-in API (else: a custom resource, or unknown). */
export function isBuiltInGroupVersion(groupVersion: string): boolean {
  return APIS.some((a) => a.groupVersion === groupVersion);
}

/** Why a Kubernetes minor does not serve this built-in apiVersion and kind, with the fix; undefined when it does (or helmflux does not know the kind). */
export function unservedApi(apiVersion: string, kind: string, kubernetesVersion: string): { message: string; fix: string } | undefined {
  const minor = minorOf(kubernetesVersion);
  const matches = APIS.filter((a) => a.groupVersion === apiVersion && a.kinds.includes(kind));
  if (matches.length === 0) return undefined;
  if (matches.some((a) => a.since <= minor && (a.removed === undefined || a.removed.in > minor))) return undefined;
  const removed = matches.find((a) => a.removed !== undefined && a.removed.in <= minor);
  if (removed?.removed) {
    return {
      message: `${apiVersion} ${kind} is no longer served: Kubernetes 1.${removed.removed.in} removed it (kubernetesVersion is ${kubernetesVersion})`,
      fix: `Use ${removed.removed.use} in the chart (a newer chart version, or its template), or set kubernetesVersion to the cluster's real version.`,
    };
  }
  const first = Math.min(...matches.map((a) => a.since));
  return { message: `${apiVersion} ${kind} is not served yet: Kubernetes 1.${first} added it (kubernetesVersion is ${kubernetesVersion})`, fix: "Use an API version the cluster serves, or set kubernetesVersion to the cluster's real version." };
}
