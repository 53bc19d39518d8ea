import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { EnvironmentDefinition } from '../../definition/types';
import { FluxHelmRelease } from './helm-release';
import { EnvironmentNamespace } from './namespace';

export interface EnvironmentChartProps {
  /** The environment, already validated. */
  readonly definition: EnvironmentDefinition;
}

/**
 * One environment as a cdk8s chart: its Namespace and one HelmRelease per
 * release, in definition order.
 */
export class EnvironmentChart extends Chart {
  /** The Namespace object. */
  public readonly namespaceObject: ApiObject;
  /** The HelmRelease objects, in definition order. */
  public readonly releases: readonly ApiObject[];

  public constructor(scope: Construct, id: string, props: EnvironmentChartProps) {
    super(scope, id);
    const { namespace, releases = [] } = props.definition;
    this.namespaceObject = new EnvironmentNamespace(this, 'Namespace', namespace).apiObject;
    this.releases = releases.map(
      (release) => new FluxHelmRelease(this, `Release-${release.name}`, { namespace: namespace.name, release }).apiObject,
    );
  }
}
