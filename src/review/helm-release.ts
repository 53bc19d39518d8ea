/**
 * The Helm release a HelmRelease manages, as the Flux that reads it names it
 * (the review engine pairs renamed HelmReleases by it; each target's effects
 * name it). Pure.
 */

/** The Helm release a HelmRelease (v1 or v2) manages, and the namespace Helm stores it in. */
export function helmReleaseOf(data: unknown, namespace: string, name: string): { release: string; storage: string } {
  const spec = ((data as { spec?: Record<string, unknown> } | undefined)?.spec ?? {}) as Record<string, unknown>;
  const target = typeof spec.targetNamespace === 'string' ? spec.targetNamespace : undefined;
  const v2 = (data as { apiVersion?: unknown } | undefined)?.apiVersion !== 'helm.fluxcd.io/v1';
  // v1: <namespace>-<name>, stored in the target namespace (Helm 3); v2: [<targetNamespace>-]<name>, stored in storageNamespace.
  const release = typeof spec.releaseName === 'string' ? spec.releaseName : v2 ? (target ? `${target}-${name}` : name) : `${namespace}-${name}`;
  const storage = v2 ? (typeof spec.storageNamespace === 'string' ? spec.storageNamespace : namespace) : (target ?? namespace);
  return { release, storage };
}

