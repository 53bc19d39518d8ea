/**
 * A release definition as a Flux v2 HelmRelease (helm.toolkit.fluxcd.io/v2),
 * field by field from what the v1 HelmRelease says (README, "Flux v2", has
 * the table), typed by the classes `cdk8s import` generated from the pinned
 * CRD (`src/imports/flux-v2-helmrelease-*.ts`): a field the CRD does not have,
 * or a value its enums do not allow, is a compile error. Pure: data in,
 * `HelmReleaseProps` out (`objects.ts` makes the object of them).
 *
 * Choices a careful user makes, written out explicitly:
 * - `releaseName` always set, to the Helm release the v1 operator made
 *   (`<namespace>-<name>` when the definition gives none), so the
 *   helm-controller takes that release over instead of installing a second;
 * - a git chart is reconciled by `Revision` (a commit to the chart's branch
 *   upgrades the release, as the v1 operator did), a repository chart by version;
 * - `install.remediation.retries: 3`; `upgrade.remediation` retries 3 times,
 *   then rolls back, also after the last failure (v1's `rollback.maxRetries`
 *   when `rollback.retry` is on);
 * - `maxHistory: 10` unless given (the v1 operator's default; v2's is 5);
 * - `storageNamespace` equal to `targetNamespace` when one is given (where
 *   Helm 3 kept the release under the v1 operator).
 */
import type { ReleaseDefinition } from '../../definition/types';
import type { Settings } from '../../definition/settings';
import { effectiveReleaseName } from '../../definition/validate';
import { NOT_SECRET_ANNOTATION } from '../../definition/secret-keys';
import { automationAnnotations } from '../../images/containers';
import { DEFINED_TAGS_ANNOTATION, definedTagsRecord } from '../../images/intent';
import { isFluxV1Annotation } from './compat';
import { containerImages, marker, type ContainerImage } from './images';
import { fluxSource, INTERVALS, type FluxSource } from './sources';
import {
  HelmReleaseSpecChartSpecReconcileStrategy,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecInstallCrds,
  HelmReleaseSpecUpgradeCrds,
  HelmReleaseSpecUpgradeRemediationStrategy,
  HelmReleaseSpecValuesFromKind,
  type HelmReleaseProps,
  type HelmReleaseSpec,
  type HelmReleaseSpecValuesFrom,
} from '../../imports/flux-v2-helmrelease-helm.toolkit.fluxcd.io';

/** The annotation that has kustomize-controller leave an object alone (v1's `fluxcd.io/ignore`). */
export const RECONCILE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/reconcile';

/** A HelmRelease's metadata: labels and annotations are written as given. */
export interface ReleaseMetadata {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A HelmRelease v2 and what it needs around it. */
export interface RenderedReleaseV2 {
  /** The HelmRelease's metadata and spec, as the generated class takes them. */
  readonly props: HelmReleaseProps & { readonly metadata: ReleaseMetadata; readonly spec: HelmReleaseSpec };
  /** Line comments by value path (`spec.values.image.tag`): the image policy markers. */
  readonly comments: ReadonlyMap<string, string>;
  readonly source: FluxSource;
  readonly images: readonly ContainerImage[];
}

/** The seconds of v1 as a v2 duration. */
function duration(seconds: number): string {
  return `${seconds}s`;
}

export function helmReleaseV2(release: ReleaseDefinition, namespace: string, settings: Settings): RenderedReleaseV2 {
  const source = fluxSource(release.chart, settings.deployKeySecret);
  if ('problem' in source) throw new Error(`unchecked chart source: ${source.problem}`);
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(release.annotations ?? {})) if (!isFluxV1Annotation(k)) annotations[k] = v;
  if (release.flux?.ignore) annotations[RECONCILE_ANNOTATION] = 'disabled';
  if (release.notSecret !== undefined && release.notSecret.length > 0) annotations[NOT_SECRET_ANNOTATION] = JSON.stringify(release.notSecret);
  // The tags as defined now, so the next synth tells the user's edit from the controller's commit (src/images/intent.ts).
  const defined = definedTagsRecord(release.values, automationAnnotations(release.flux));
  if (defined !== undefined) annotations[DEFINED_TAGS_ANNOTATION] = defined;

  const valuesFiles: string[] = [];
  let missingFilesOk = false;
  const valuesFrom: HelmReleaseSpecValuesFrom[] = [];
  for (const from of release.valuesFrom ?? []) {
    if ('chartFileRef' in from) {
      valuesFiles.push(from.chartFileRef.path);
      if (from.chartFileRef.optional) missingFilesOk = true;
    } else if ('configMapKeyRef' in from || 'secretKeyRef' in from) {
      const [kind, ref] = 'configMapKeyRef' in from ? [HelmReleaseSpecValuesFromKind.CONFIG_MAP, from.configMapKeyRef] : [HelmReleaseSpecValuesFromKind.SECRET, from.secretKeyRef];
      valuesFrom.push({ kind, name: ref.name, valuesKey: ref.key ?? 'values.yaml', ...(ref.optional ? { optional: true } : {}) });
    }
  }
  const rollback = release.rollback;
  const retries = rollback?.retry ? (rollback.maxRetries ?? 5) : 3;
  const [installCrds, upgradeCrds] = release.skipCRDs ? [{ crds: HelmReleaseSpecInstallCrds.SKIP }, { crds: HelmReleaseSpecUpgradeCrds.SKIP }] : [{}, {}];
  const openApi = release.disableOpenAPIValidation ? { disableOpenAPIValidation: true } : {};
  const spec: HelmReleaseSpec = {
    releaseName: effectiveReleaseName(namespace, release),
    chart: {
      spec: {
        chart: source.chart,
        ...(source.version !== undefined ? { version: source.version } : {}),
        sourceRef: { kind: source.kind === 'GitRepository' ? HelmReleaseSpecChartSpecSourceRefKind.GIT_REPOSITORY : HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: source.name, namespace: settings.fluxNamespace },
        ...(source.kind === 'GitRepository' ? { reconcileStrategy: HelmReleaseSpecChartSpecReconcileStrategy.REVISION } : {}),
        ...(valuesFiles.length > 0 ? { valuesFiles } : {}),
        ...(missingFilesOk ? { ignoreMissingValuesFiles: true } : {}),
      },
    },
    interval: INTERVALS.helmRelease,
    install: { remediation: { retries: 3 }, ...installCrds, ...openApi },
    upgrade: {
      remediation: { retries, remediateLastFailure: true, strategy: HelmReleaseSpecUpgradeRemediationStrategy.ROLLBACK },
      ...upgradeCrds,
      ...openApi,
      ...(release.forceUpgrade ? { force: true } : {}),
    },
    maxHistory: release.maxHistory ?? 10,
    ...(release.timeout !== undefined ? { timeout: duration(release.timeout) } : {}),
    ...(release.targetNamespace !== undefined ? { targetNamespace: release.targetNamespace, storageNamespace: release.targetNamespace } : {}),
    ...(rollback !== undefined && (rollback.force || rollback.recreate || rollback.disableHooks || rollback.timeout !== undefined)
      ? {
          rollback: {
            ...(rollback.force ? { force: true } : {}),
            ...(rollback.recreate ? { recreate: true } : {}),
            ...(rollback.disableHooks ? { disableHooks: true } : {}),
            ...(rollback.timeout !== undefined ? { timeout: duration(rollback.timeout) } : {}),
          },
        }
      : {}),
    ...(release.test?.enable ? { test: { enable: true, ...(release.test.timeout !== undefined ? { timeout: duration(release.test.timeout) } : {}) } } : {}),
    ...(release.flux?.locked ? { suspend: true } : {}),
    ...(valuesFrom.length > 0 ? { valuesFrom } : {}),
    ...(release.values !== undefined ? { values: release.values } : {}),
  };
  const props = {
    metadata: {
      name: release.name,
      namespace,
      ...(release.labels !== undefined ? { labels: release.labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec,
  };
  const images = containerImages(release, namespace);
  const comments = new Map<string, string>();
  for (const image of images) for (const m of image.markers) comments.set(m.path, marker(settings.fluxNamespace, image.policyName, m.field));
  return { props, comments, source, images };
}
