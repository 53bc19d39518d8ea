/**
 * What a change of the output folder makes Flux v2 do, for `helmflux diff`:
 * the helm-controller installs, upgrades, reinstalls or uninstalls a
 * release; a v1 HelmRelease paired with its v2 successor is `migrated`.
 * `settings.fluxGarbageCollection` is the Flux Kustomization's `prune`: on,
 * an object removed from git is deleted (a HelmRelease's release
 * uninstalled); off, it stays, orphaned. Other kinds as for Flux v1.
 */
import type { Settings } from '../../definition/settings';
import type { Change, Effects } from '../../review/diff';
import { helmReleaseOf } from '../../review/helm-release';
import { fluxV1Effects, migrated } from '../flux-v1/effects';

type Described = Omit<Change, 'destructive' | 'reason'>;

export function fluxV2Effects(settings: Settings): Effects {
  const v1 = fluxV1Effects(settings);
  return (change) => {
    if (change.kind !== 'HelmRelease' || change.apiVersion === 'helm.fluxcd.io/v1') return v1(change);
    return helmRelease(change, settings);
  };
}

function helmRelease(change: Described, settings: Settings): { destructive: boolean; reason: string } {
  const after = helmReleaseOf(change.after?.data, change.namespace, change.name);
  const before = helmReleaseOf(change.before?.data, change.namespace, change.name);
  switch (change.change) {
    case 'added':
      return { destructive: false, reason: `the helm-controller installs release ${after.release}` };
    case 'migrated':
      return migrated(change, 'the Helm operator', 'the helm-controller');
    case 'renamed':
      return {
        destructive: true,
        reason:
          `renamed from ${change.previousName}, managing the same release ${after.release} (in ${after.storage}): while ${change.previousName} exists, two HelmReleases reconcile one release; ` +
          `when it is ${settings.fluxGarbageCollection ? 'pruned (garbage collection is on)' : 'deleted'}, the helm-controller uninstalls release ${after.release}, with the volumes its chart made, and ${change.name} installs it again. ` +
          'Keep the old name, or plan the move knowingly',
      };
    case 'moved':
      return { destructive: false, reason: `nothing changes in the cluster: the object moved from ${change.previousFile} to ${change.file}` };
    case 'removed':
      return settings.fluxGarbageCollection
        ? { destructive: true, reason: `Flux prunes the HelmRelease (garbage collection is on): the helm-controller uninstalls release ${before.release} and everything it deployed` }
        : {
            destructive: true,
            reason: `Flux's garbage collection is off (settings.fluxGarbageCollection, the Kustomization's prune): the HelmRelease stays in the cluster, orphaned; release ${before.release} keeps running, no longer updated from git`,
          };
    case 'changed': {
      if (before.release !== after.release || before.storage !== after.storage) {
        return { destructive: true, reason: `the Helm release changes (${before.release} in ${before.storage} → ${after.release} in ${after.storage}): the helm-controller installs it anew` };
      }
      const spec = change.fields.filter((f) => f.path[0] === 'spec');
      if (spec.some((f) => f.path[1] === 'suspend')) return { destructive: false, reason: `the helm-controller ${(change.after?.data as { spec?: { suspend?: unknown } })?.spec?.suspend ? 'stops' : 'resumes'} reconciling release ${after.release}` };
      if (spec.length > 0) {
        const what = [...new Set(spec.map((f) => String(f.path[1])))];
        return { destructive: false, reason: `the helm-controller upgrades release ${after.release} (${what.join(', ')} changed)` };
      }
      return { destructive: false, reason: 'no upgrade: only labels or annotations change' };
    }
  }
}
