/**
 * The typed input of helmflux: what an environment file in `environments/`
 * exports. Every `environments/<name>.ts` file does
 *
 * ```ts
 * import { defineEnvironment } from 'helmflux';
 * export default defineEnvironment({ namespace: { name: 'develop' }, releases: [...] });
 * ```
 *
 * and the file name (`<name>`) is the environment's name.
 */

/** A value Helm accepts in a release's values: JSON data. `null` removes a chart default. */
export type HelmValue = string | number | boolean | null | readonly HelmValue[] | HelmValues;

/** A release's values, merged by Helm over the chart's `values.yaml`. */
export interface HelmValues {
  readonly [key: string]: HelmValue;
}

/** The namespace an environment's releases are installed into. */
export interface NamespaceDefinition {
  /**
   * The Kubernetes namespace name: a DNS-1123 label, unique across all
   * environments, never a reserved namespace (`default`, `kube-system`,
   * `kube-public`, `kube-node-lease`, or the namespace Flux runs in).
   */
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
 * A chart in a git repository, which the Helm operator clones.
 * @see https://docs.fluxcd.io/projects/helm-operator/en/stable/references/helmrelease-custom-resource/
 */
export interface GitChartSource {
  /** The git URL of the repository, e.g. `git@github.com:org/repo` or `https://github.com/org/repo`. */
  readonly git: string;

  /** The chart's folder, relative to the repository root, e.g. `charts/web`. */
  readonly path: string;

  /** The branch, tag or commit to use, e.g. `master`. */
  readonly ref: string;

  /** Not for a git chart: a Helm repository chart's field. */
  readonly repository?: never;
  /** Not for a git chart: a Helm repository chart's field (a git chart takes `path`). */
  readonly name?: never;
  /** Not for a git chart: a Helm repository chart's field (a git chart takes `ref`). */
  readonly version?: never;
}

/**
 * A chart in a Helm repository (an `index.yaml` served over http(s)).
 * @see https://helm.sh/docs/topics/chart_repository/
 */
export interface HelmRepositoryChartSource {
  /** The URL of the Helm repository, e.g. `https://charts.bitnami.com/bitnami`. */
  readonly repository: string;

  /** The chart's name in that repository, without the repository alias, e.g. `redis`. */
  readonly name: string;

  /** The exact chart version, e.g. `10.5.7`. */
  readonly version: string;

  /** Not for a Helm repository chart: a git chart's field. */
  readonly git?: never;
  /** Not for a Helm repository chart: a git chart's field (a Helm repository chart takes `name`). */
  readonly path?: never;
  /** Not for a Helm repository chart: a git chart's field (a Helm repository chart takes `version`). */
  readonly ref?: never;
}

/** Where a release's chart comes from: exactly one of a git chart or a Helm repository chart. */
export type ChartSource = GitChartSource | HelmRepositoryChartSource;

/** The annotation `flux.automated` sets on a HelmRelease. */
export const AUTOMATED_ANNOTATION = 'fluxcd.io/automated';

/**
 * Which image tags Flux's automation may move a container to, written as
 * Flux's own annotation value: `glob:` (only `*` is special), `semver:` (a
 * Masterminds semver v3 constraint, e.g. `semver:~1.2`), `regex:` or
 * `regexp:` (Go's RE2 syntax, unanchored).
 * @see https://docs.fluxcd.io/en/1.21.1/references/fluxctl/#using-annotations
 */
export type ImageFilter = `glob:${string}` | `semver:${string}` | `regex:${string}` | `regexp:${string}`;

/** Image automation of one container of a release (a `filter.fluxcd.io/<container>` and its path annotations). */
export interface ContainerAutomation {
  /**
   * The tags Flux may move this container to (`filter.fluxcd.io/<container>`).
   * @default - `glob:*`, as Flux: every tag
   */
  readonly filter?: ImageFilter;
  /** Where the image repository is, as a dot path under `values` (`repository.fluxcd.io/<container>`), for images outside Flux's usual `image` shapes. */
  readonly repository?: string;
  /** Where the tag is, as a dot path under `values` (`tag.fluxcd.io/<container>`). */
  readonly tag?: string;
  /** Where the registry is, as a dot path under `values` (`registry.fluxcd.io/<container>`). */
  readonly registry?: string;
}

/** The settings the Flux daemon reads from a release's annotations. */
export interface FluxSettings {
  /**
   * Let Flux's image automation update this release's chart images in git
   * (the `fluxcd.io/automated: "true"` annotation). Every container of an
   * automated release is Flux's to update, filtered or not.
   * @default false
   * @see https://docs.fluxcd.io/en/1.21.1/references/automated-image-update/
   */
  readonly automated?: boolean;

  /**
   * Stop Flux from changing this release (`fluxcd.io/locked: "true"`), e.g. during an incident.
   * @default false
   */
  readonly locked?: boolean;

  /** Why it is locked (`fluxcd.io/locked_msg`). Only with `locked`. */
  readonly lockedMessage?: string;

  /** Who locked it (`fluxcd.io/locked_user`). Only with `locked`. */
  readonly lockedUser?: string;

  /**
   * Have Flux ignore this release altogether (`fluxcd.io/ignore: "true"`).
   * @default false
   */
  readonly ignore?: boolean;

  /**
   * Image automation per container: `chart-image` for `values.image`, or the
   * top-level values key whose mapping holds `image` (e.g. `nginx` for
   * `values.nginx.image`), or a name of your own with `repository`/`tag` paths.
   * @default - no filters: `glob:*` for every container when automated
   */
  readonly containers?: Readonly<Record<string, ContainerAutomation>>;
}

/** One Helm release of an environment, written as a Flux `HelmRelease` (helm.fluxcd.io/v1). */
export interface ReleaseDefinition {
  /**
   * The HelmRelease object's name: a DNS-1123 label, unique within the namespace.
   */
  readonly name: string;

  /**
   * The name Helm gives the release (at most 53 characters).
   * @default - `<namespace>-<name>`, the name the Helm operator generates
   */
  readonly releaseName?: string;

  /** The chart to install. */
  readonly chart: ChartSource;

  /**
   * Values for the chart, merged over its `values.yaml`. Plain JSON data only;
   * `null` removes a default of the chart.
   * @default - the chart's defaults
   */
  readonly values?: HelmValues;

  /**
   * The Helm major version the operator installs the release with.
   * @default 'v3'
   */
  readonly helmVersion?: 'v2' | 'v3';

  /**
   * Flux daemon settings for this release.
   * @default - none: Flux applies the release but does not update its images
   */
  readonly flux?: FluxSettings;

  /**
   * Labels of the HelmRelease object.
   * @default - no labels
   */
  readonly labels?: Readonly<Record<string, string>>;

  /**
   * Annotations of the HelmRelease object. Keys that `flux` sets
   * (`fluxcd.io/automated`) are not allowed here.
   * @default - no annotations
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Everything one environment file declares. */
export interface EnvironmentDefinition {
  /** The namespace the environment's releases live in. */
  readonly namespace: NamespaceDefinition;

  /**
   * The environment's Helm releases, written in this order to `releases/<environment>.yaml`.
   * @default - no releases: only the namespace is written
   */
  readonly releases?: readonly ReleaseDefinition[];
}

/**
 * Declares an environment. It returns its argument unchanged: its use is the
 * type, which gives an editor completion and documentation for every field.
 */
export function defineEnvironment(definition: EnvironmentDefinition): EnvironmentDefinition {
  return definition;
}

/** Whether a chart source is a git chart (and not a Helm repository chart). */
export function isGitChart(chart: ChartSource): chart is GitChartSource {
  // The same test validation makes: a `git` present but undefined is no git chart.
  return chart.git !== undefined;
}
