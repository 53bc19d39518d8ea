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
 */
export class EnvironmentNamespace extends Construct {
  /** The underlying API object, for rendering. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: EnvironmentNamespaceProps) {
    super(scope, id);
    const namespace = new KplusNamespace(this, 'Resource', {
      metadata: { name: props.name, labels: props.labels, annotations: props.annotations },
    });
    this.apiObject = ApiObject.of(namespace);
    // cdk8s-plus always writes `spec: {}`; a Namespace without finalizers has no spec to say.
    this.apiObject.addJsonPatch(JsonPatch.remove('/spec'));
  }
}
