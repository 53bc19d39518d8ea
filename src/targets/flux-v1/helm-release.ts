import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { isGitChart, type HelmValues, type ReleaseDefinition } from '../../definition/types';
import { automationAnnotations } from '../../images/containers';
import { DEFINED_TAGS_ANNOTATION, definedTagsRecord } from '../../images/intent';
import { NOT_SECRET_ANNOTATION } from '../../definition/secret-keys';
import { HelmRelease, HelmReleaseSpecHelmVersion, type HelmReleaseProps } from '../../imports/helm.fluxcd.io';

export interface FluxHelmReleaseProps {
  /** The namespace the HelmRelease object lives in (and Helm installs into). */
  readonly namespace: string;
  /** The release as the environment file defines it. */
  readonly release: ReleaseDefinition;
}

/** Maps of the definition that bypass cdk8s's resolution (`HelmReleaseWithValues`). */
interface Verbatim {
  readonly values?: HelmValues;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * The generated HelmRelease, with `spec.values`, labels and annotations kept
 * exactly as given: cdk8s's resolution drops `null`, which Helm uses to
 * remove a chart default, fails on a key named `constructor` (it takes the
 * key for the object's class), and would copy the values once more for
 * nothing.
 */
class HelmReleaseWithValues extends HelmRelease {
  public constructor(scope: Construct, id: string, props: HelmReleaseProps, private readonly verbatim: Verbatim) {
    super(scope, id, props);
  }

  public override toJson(): any {
    const json = super.toJson();
    const { values, labels, annotations } = this.verbatim;
    if (labels !== undefined) json.metadata.labels = labels;
    if (annotations !== undefined) json.metadata.annotations = annotations;
    if (values !== undefined) json.spec.values = values;
    return json;
  }
}

/**
 * A Flux v1 `HelmRelease` (helm.fluxcd.io/v1), on the class `cdk8s import`
 * generated from the vendored CRD (`src/imports/`).
 */
export class FluxHelmRelease extends Construct {
  /** The underlying API object, for rendering. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: FluxHelmReleaseProps) {
    super(scope, id);
    const { release, namespace } = props;
    const annotations: Record<string, string> = { ...release.annotations, ...automationAnnotations(release.flux) };
    // The paths declared not secret travel with the object, so a review of the files alone shows them.
    if (release.notSecret !== undefined && release.notSecret.length > 0) annotations[NOT_SECRET_ANNOTATION] = JSON.stringify(release.notSecret);
    // The tags as defined now, so the next synth tells the user's edit from Flux's commit (src/images/intent.ts).
    const defined = definedTagsRecord(release.values, annotations);
    if (defined !== undefined) annotations[DEFINED_TAGS_ANNOTATION] = defined;
    const chart = release.chart;
    this.apiObject = new HelmReleaseWithValues(this, 'Resource', {
      metadata: { name: release.name, namespace },
      spec: {
        releaseName: release.releaseName,
        helmVersion: release.helmVersion === 'v2' ? HelmReleaseSpecHelmVersion.V2 : HelmReleaseSpecHelmVersion.V3,
        chart: isGitChart(chart)
          ? { git: chart.git, path: chart.path, ref: chart.ref, skipDepUpdate: chart.skipDepUpdate }
          : { repository: chart.repository, name: chart.name, version: chart.version, secretRef: chart.secretRef },
        valuesFrom: release.valuesFrom?.map((source) => ({ ...source })),
        wait: release.wait,
        timeout: release.timeout,
        resetValues: release.resetValues,
        forceUpgrade: release.forceUpgrade,
        skipCrDs: release.skipCRDs,
        maxHistory: release.maxHistory,
        rollback: release.rollback,
        targetNamespace: release.targetNamespace,
        test: release.test,
        disableOpenApiValidation: release.disableOpenAPIValidation,
      },
    }, { values: release.values, labels: release.labels, annotations: Object.keys(annotations).length > 0 ? annotations : undefined });
  }
}
