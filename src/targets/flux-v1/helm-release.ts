import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AUTOMATED_ANNOTATION, isGitChart, type HelmValues, type ReleaseDefinition } from '../../definition/types';
import { HelmRelease, HelmReleaseSpecHelmVersion, type HelmReleaseProps } from '../../imports/helm.fluxcd.io';

export interface FluxHelmReleaseProps {
  /** The namespace the HelmRelease object lives in (and Helm installs into). */
  readonly namespace: string;
  /** The release as the environment file defines it. */
  readonly release: ReleaseDefinition;
}

/**
 * The generated HelmRelease, with `spec.values` kept exactly as given: cdk8s's
 * resolution drops `null`, which Helm uses to remove a chart default (and
 * would copy the values once more for nothing).
 */
class HelmReleaseWithValues extends HelmRelease {
  public constructor(scope: Construct, id: string, props: HelmReleaseProps, private readonly values: HelmValues | undefined) {
    super(scope, id, props);
  }

  public override toJson(): any {
    const json = super.toJson();
    if (this.values !== undefined) json.spec.values = this.values;
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
    const annotations: Record<string, string> = { ...release.annotations };
    if (release.flux?.automated) annotations[AUTOMATED_ANNOTATION] = 'true';
    const chart = release.chart;
    this.apiObject = new HelmReleaseWithValues(this, 'Resource', {
      metadata: {
        name: release.name,
        namespace,
        labels: release.labels,
        annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
      },
      spec: {
        releaseName: release.releaseName,
        helmVersion: release.helmVersion === 'v2' ? HelmReleaseSpecHelmVersion.V2 : HelmReleaseSpecHelmVersion.V3,
        chart: isGitChart(chart)
          ? { git: chart.git, path: chart.path, ref: chart.ref }
          : { repository: chart.repository, name: chart.name, version: chart.version },
      },
    }, release.values);
  }
}
