import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { AUTOMATED_ANNOTATION, isGitChart, type ReleaseDefinition } from './definition';
import { HelmRelease, HelmReleaseSpecHelmVersion } from './imports/helm.fluxcd.io';

export interface FluxHelmReleaseProps {
  /** The namespace the HelmRelease object lives in (and Helm installs into). */
  readonly namespace: string;
  /** The release as the environment file defines it. */
  readonly release: ReleaseDefinition;
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
    this.apiObject = new HelmRelease(this, 'Resource', {
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
    });
    // Values bypass cdk8s's resolution, which drops `null` (Helm's way to remove a chart
    // default) and would walk them once more: the patch puts them back as they are.
    if (release.values !== undefined) this.apiObject.addJsonPatch(JsonPatch.add('/spec/values', release.values));
  }
}
