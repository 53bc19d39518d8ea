import { ApiObject } from 'cdk8s';
// Only the Namespace module: the package index loads every construct (about 12 ms more at start-up).
import { Namespace as KplusNamespace } from 'cdk8s-plus-27/lib/namespace';
import { Construct } from 'constructs';

export interface EnvironmentNamespaceProps {
  /** The namespace name (a DNS-1123 label). */
  readonly name: string;
  /**
   * Labels of the Namespace object.
   * @default - no labels
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Annotations of the Namespace object.
   * @default - no annotations
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * The Kubernetes Namespace of an environment, on cdk8s-plus-27's `Namespace`,
 * with an explicit name (no cdk8s hash suffix) and no empty `spec: {}`.
 * Labels and annotations are set on the rendered JSON, after cdk8s's
 * resolution, which fails on a key named `constructor` (it takes it for the
 * object's class).
 */
export class EnvironmentNamespace extends Construct {
  /** The underlying API object, for rendering. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: EnvironmentNamespaceProps) {
    super(scope, id);
    const namespace = new KplusNamespace(this, 'Resource', { metadata: { name: props.name } });
    const apiObject = ApiObject.of(namespace);
    const { labels, annotations } = props;
    // Applied to the rendered JSON, like HelmReleaseWithValues does (a JSON patch would deep-copy the object for each).
    const render = apiObject.toJson.bind(apiObject);
    apiObject.toJson = () => {
      const json = render();
      // cdk8s-plus always writes `spec: {}`; a Namespace without finalizers has no spec to say.
      delete json.spec;
      if (labels !== undefined) json.metadata.labels = labels;
      if (annotations !== undefined) json.metadata.annotations = annotations;
      return json;
    };
    this.apiObject = apiObject;
  }
}
