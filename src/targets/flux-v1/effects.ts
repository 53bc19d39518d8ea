/**
 * What a change of the output folder makes Flux v1 and the Helm operator do,
 * for `helmflux diff`: whether a HelmRelease is installed, upgraded,
 * reinstalled or uninstalled, and which changes are destructive.
 *
 * - A removed HelmRelease or Namespace is destructive. What happens depends
 *   on the daemon's garbage collection (`settings.fluxGarbageCollection`,
 *   off by default in Flux v1): on, the Helm operator uninstalls the release
 *   (a Namespace is deleted with everything in it); off, it stays in the
 *   cluster, orphaned, no longer updated from git.
 * - A changed release name or Helm version is destructive: the operator
 *   uninstalls the old release and installs a new one. (A changed name or
 *   namespace of the HelmRelease object is a removal and an addition.)
 * - A changed chart, values or other spec field is an upgrade; labels and
 *   annotations alone are no upgrade.
 */
import type { Settings } from '../../definition/settings';
import type { Change, Effects } from '../../review/diff';
import { helmReleaseOf } from '../../review/helm-release';

type Described = Omit<Change, 'destructive' | 'reason'>;

/** The effects of changes under Flux v1 with these settings. */
export function fluxV1Effects(settings: Settings): Effects {
  return (change) => {
    if (change.kind === 'HelmRelease') return helmRelease(change, settings);
    if (change.kind === 'Namespace') return namespace(change, settings);
    return other(change, settings);
  };
}

function releaseName(change: Described, side: 'before' | 'after'): string {
  const data = change[side]?.data as { spec?: { releaseName?: unknown } } | undefined;
  const given = data?.spec?.releaseName;
  return typeof given === 'string' ? given : `${change.namespace}-${change.name}`;
}

function helmRelease(change: Described, settings: Settings): { destructive: boolean; reason: string } {
  switch (change.change) {
    case 'added':
      return { destructive: false, reason: `the Helm operator installs release ${releaseName(change, 'after')}` };
    case 'migrated':
      return migrated(change, 'the Helm operator', 'the helm-controller');
    case 'renamed': {
      const release = releaseName(change, 'after');
      const owner = `${change.namespace}:helmrelease/${change.previousName}`;
      return {
        destructive: true,
        reason:
          `renamed from ${change.previousName}, managing the same release ${release}: the Helm operator marks a release's resources with the HelmRelease that owns it ` +
          `(helm.fluxcd.io/antecedent: ${owner}) and skips another HelmRelease of that release ("release appears to be managed by ${owner}"), so ${change.name} manages nothing while ${change.previousName} exists; ` +
          `deleting ${change.previousName}${settings.fluxGarbageCollection ? ' (garbage collection is on: Flux does)' : ''} makes the operator uninstall release ${release}, with the volumes its chart made, before ${change.name} installs it again. ` +
          'Keep the old name, or plan the move knowingly',
      };
    }
    case 'moved':
      return { destructive: false, reason: `nothing changes in the cluster: the object moved from ${change.previousFile} to ${change.file}` };
    case 'removed': {
      const release = releaseName(change, 'before');
      return settings.fluxGarbageCollection
        ? { destructive: true, reason: `Flux deletes the HelmRelease (garbage collection is on): the Helm operator uninstalls release ${release} and everything it deployed` }
        : {
            destructive: true,
            reason:
              `Flux's garbage collection is off (settings.fluxGarbageCollection): the HelmRelease stays in the cluster, orphaned; release ${release} keeps running, no longer updated from git, ` +
              `until someone runs \`kubectl -n ${change.namespace} delete helmrelease ${change.name}\``,
          };
    }
    case 'changed': {
      const before = releaseName(change, 'before');
      const after = releaseName(change, 'after');
      if (before !== after) {
        return { destructive: true, reason: `the release name changes: the Helm operator uninstalls release ${before} and installs ${after} anew` };
      }
      if (change.fields.some((f) => f.path[0] === 'spec' && f.path[1] === 'helmVersion')) {
        return { destructive: true, reason: `the Helm version changes: the Helm operator installs release ${after} anew under the other Helm, leaving the old one` };
      }
      const spec = change.fields.filter((f) => f.path[0] === 'spec');
      if (spec.length > 0) {
        const what = [...new Set(spec.map((f) => (f.path[1] === 'values' ? 'values' : f.path[1] === 'chart' ? 'chart' : String(f.path[1]))))];
        return { destructive: false, reason: `the Helm operator upgrades release ${after} (${what.join(', ')} changed)` };
      }
      const automated = change.fields.find((f) => f.path[0] === 'metadata' && f.path[2] === 'fluxcd.io/automated');
      if (automated) {
        const on = (automated as { after?: unknown }).after === 'true';
        return { destructive: false, reason: `no upgrade; Flux's image automation is turned ${on ? 'on' : 'off'} for this release` };
      }
      return { destructive: false, reason: 'no upgrade: only labels or annotations change' };
    }
  }
}

function namespace(change: Described, settings: Settings): { destructive: boolean; reason: string } {
  switch (change.change) {
    case 'added':
      return { destructive: false, reason: `Flux creates namespace ${change.name}` };
    case 'moved':
    case 'migrated':
    case 'renamed':
      return { destructive: false, reason: `nothing changes in the cluster: the object moved from ${change.previousFile} to ${change.file}` };
    case 'removed':
      return settings.fluxGarbageCollection
        ? { destructive: true, reason: `Flux deletes namespace ${change.name} (garbage collection is on), and with it everything in it` }
        : {
            destructive: true,
            reason: `Flux's garbage collection is off (settings.fluxGarbageCollection): namespace ${change.name} stays, orphaned, with everything in it, until someone deletes it`,
          };
    case 'changed':
      return { destructive: false, reason: `Flux updates namespace ${change.name}` };
  }
}

function other(change: Described, settings: Settings): { destructive: boolean; reason: string } {
  const what = `${change.kind} ${change.namespace ? `${change.namespace}/` : ''}${change.name}`;
  switch (change.change) {
    case 'added':
      return { destructive: false, reason: `Flux applies ${what}` };
    case 'moved':
    case 'migrated':
    case 'renamed':
      return { destructive: false, reason: `nothing changes in the cluster: the object moved from ${change.previousFile} to ${change.file}` };
    case 'removed':
      return settings.fluxGarbageCollection
        ? { destructive: true, reason: `Flux deletes ${what} (garbage collection is on)` }
        : { destructive: false, reason: `Flux's garbage collection is off (settings.fluxGarbageCollection): ${what} stays in the cluster, orphaned` };
    case 'changed':
      return { destructive: false, reason: `Flux applies the changed ${what}` };
  }
}

/**
 * A HelmRelease that changes hands across a switch of Flux: the same Helm
 * release taken over (values compared), or a destructive reinstall when the
 * Helm release name or its storage namespace differ.
 */
export function migrated(change: Described, from: string, to: string): { destructive: boolean; reason: string } {
  const before = helmReleaseOf(change.before?.data, change.namespace, change.name);
  const after = helmReleaseOf(change.after?.data, change.namespace, change.name);
  if (before.release !== after.release || before.storage !== after.storage) {
    return {
      destructive: true,
      reason: `${to} installs release ${after.release} (in ${after.storage}) anew beside release ${before.release} (in ${before.storage}), which ${from} made: two copies run until one is uninstalled`,
    };
  }
  const upgrade = change.fields.length > 0 ? ', and upgrades it (values changed)' : '; values unchanged, so no upgrade';
  return { destructive: false, reason: `migrated: ${to} takes over release ${after.release} from ${from}${upgrade}. Stop ${from} before this is applied, or both manage the release` };
}
