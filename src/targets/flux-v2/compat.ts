/**
 * What a v1 definition means that Flux v2 cannot say. Under `--flux v2`, a
 * setting whose meaning would change is an error (Helm v2, a cross-namespace
 * `valuesFrom`, `externalSourceRef`, a git URL with no v2 form, automation
 * without the GitOps repository to push to); one that is merely dropped or
 * approximated is a warning.
 */
import type { ReleaseDefinition } from '../../definition/types';
import type { Settings } from '../../definition/settings';
import { SETTINGS_FILE } from '../../definition/settings';
import { fieldPath } from '../../problems';
import { containerImages } from './images';
import { fluxSource } from './sources';

type Add = (field: string, message: string, fix: string) => void;

/** Annotations only Flux v1 reads (`fluxcd.io/*` and the container annotations): never written for v2. */
export function isFluxV1Annotation(key: string): boolean {
  return /^((filter|tag|repository|registry)\.)?fluxcd\.io\//.test(key);
}

export function checkV2(release: ReleaseDefinition, at: string, namespace: string, settings: Settings, add: Add, warn: (message: string) => void): void {
  if (release.helmVersion === 'v2') add(`${at}.helmVersion`, 'is "v2": Flux v2 installs with Helm 3 only', 'Remove helmVersion (or set "v3") once the release runs on Helm 3 (helm 2to3 migrates it).');
  (release.valuesFrom ?? []).forEach((from, i) => {
    const here = `${at}.valuesFrom[${i}]`;
    if ('externalSourceRef' in from) add(`${here}.externalSourceRef`, 'has no Flux v2 counterpart: the helm-controller reads values only from ConfigMaps, Secrets and chart files', 'Put the values in a ConfigMap (configMapKeyRef) or in the chart (chartFileRef).');
    const ref = 'configMapKeyRef' in from ? from.configMapKeyRef : 'secretKeyRef' in from ? from.secretKeyRef : undefined;
    const kind = 'configMapKeyRef' in from ? 'configMapKeyRef' : 'secretKeyRef';
    if (ref?.namespace !== undefined && ref.namespace !== namespace) {
      add(`${here}.${kind}.namespace`, `is "${ref.namespace}": Flux v2 reads values only from the HelmRelease's own namespace ("${namespace}")`, `Copy the ${kind === 'configMapKeyRef' ? 'ConfigMap' : 'Secret'} into "${namespace}" and remove namespace.`);
    }
  });
  const source = fluxSource(release.chart, settings.deployKeySecret);
  if ('problem' in source) add(`${at}.chart.git`, source.problem, source.fix);
  const chart = release.chart as { skipDepUpdate?: boolean; secretRef?: { namespace?: string } };
  const where = `${at} (${release.name})`;
  if (chart.skipDepUpdate) warn(`${where}: chart.skipDepUpdate has no Flux v2 counterpart: the source-controller always builds a git chart's dependencies`);
  if (chart.secretRef?.namespace !== undefined && chart.secretRef.namespace !== settings.fluxNamespace) {
    warn(`${where}: chart.secretRef: the HelmRepository lives in "${settings.fluxNamespace}", so its Secret must be there too, not in "${chart.secretRef.namespace}"`);
  }
  const v1Annotations = Object.keys(release.annotations ?? {}).filter(isFluxV1Annotation);
  if (v1Annotations.length > 0) {
    warn(`${where}: annotations ${v1Annotations.join(', ')} are Flux v1's and are not written for Flux v2: give image automation as flux settings (flux.automated, flux.containers)`);
  }
  if (release.test?.cleanup === false) warn(`${where}: test.cleanup has no Flux v2 counterpart: the helm-controller keeps test pods`);
  if (release.flux?.locked && (release.flux.lockedMessage !== undefined || release.flux.lockedUser !== undefined)) {
    warn(`${where}: flux.lockedMessage and lockedUser have no Flux v2 counterpart: the lock becomes spec.suspend, without a message`);
  }
  const images = containerImages(release, namespace);
  if (images.length > 0 && settings.gitops === undefined) {
    add(`${at}.flux.automated`, 'needs the GitOps repository under Flux v2: image automation pushes its commits there', `Set gitops: { url, branch, path } in ${SETTINGS_FILE} (the repository, branch and folder Flux syncs).`);
  }
  for (const image of images) {
    if (image.filter.startsWith('semver:')) continue;
    warn(
      `${where}: ${fieldPath('flux.containers', image.container)}: "${image.filter}" becomes an alphabetical ImagePolicy: Flux v2 cannot order tags by build time as v1 did (v0.0.10 sorts before v0.0.9); a semver: filter orders by version`,
    );
  }
}
