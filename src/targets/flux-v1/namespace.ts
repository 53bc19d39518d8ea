import { ApiObject, JsonPatch } from 'cdk8s';
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
 * Labels and annotations are added by JSON patch, after cdk8s's resolution,
 * which fails on a key named `constructor` (it takes it for the object's class).
 */
export class EnvironmentNamespace extends Construct {
  /** The underlying API object, for rendering. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: EnvironmentNamespaceProps) {
    super(scope, id);
    const namespace = new KplusNamespace(this, 'Resource', { metadata: { name: props.name } });
    this.apiObject = ApiObject.of(namespace);
    // cdk8s-plus always writes `spec: {}`; a Namespace without finalizers has no spec to say.
    this.apiObject.addJsonPatch(JsonPatch.remove('/spec'));
    if (props.labels !== undefined) this.apiObject.addJsonPatch(JsonPatch.add('/metadata/labels', props.labels));
    if (props.annotations !== undefined) this.apiObject.addJsonPatch(JsonPatch.add('/metadata/annotations', props.annotations));
  }
}
