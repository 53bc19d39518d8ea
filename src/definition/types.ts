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

  /**
   * Skip `helm dependency update` before installing (for a chart whose dependencies are vendored in git).
   * @default false
   */
  readonly skipDepUpdate?: boolean;

  /** Not for a git chart: a Helm repository chart's field. */
  readonly repository?: never;
  /** Not for a git chart: a Helm repository chart's field (a git chart takes `path`). */
  readonly name?: never;
  /** Not for a git chart: a Helm repository chart's field (a git chart takes `ref`). */
  readonly version?: never;
  /** Not for a git chart: a Helm repository chart's field. */
  readonly secretRef?: never;
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

  /** A Secret with the repository's credentials (`username`, `password`, and TLS files) for a private Helm repository. */
  readonly secretRef?: { readonly name: string; readonly namespace?: string };

  /** Not for a Helm repository chart: a git chart's field. */
  readonly git?: never;
  /** Not for a Helm repository chart: a git chart's field (a Helm repository chart takes `name`). */
  readonly path?: never;
  /** Not for a Helm repository chart: a git chart's field (a Helm repository chart takes `version`). */
  readonly ref?: never;
  /** Not for a Helm repository chart: a git chart's field. */
  readonly skipDepUpdate?: never;
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

/** A key of a ConfigMap or Secret holding values (YAML), merged before `values`. */
export interface KeyReference {
  /** The ConfigMap or Secret. */
  readonly name: string;
  /** Its namespace. @default - the release's namespace */
  readonly namespace?: string;
  /** The key holding the values. @default 'values.yaml' */
  readonly key?: string;
  /** Install even when it is missing. @default false */
  readonly optional?: boolean;
}

/**
 * One source of values the Helm operator merges before the release's own
 * `values`, in order. Exactly one of its fields. Credentials belong here
 * (`secretKeyRef`), never in `values`, which are committed to git.
 */
export type ValuesFromSource =
  | { readonly configMapKeyRef: KeyReference }
  | { readonly secretKeyRef: KeyReference }
  | { readonly externalSourceRef: { readonly url: string; readonly optional?: boolean } }
  | { readonly chartFileRef: { readonly path: string; readonly optional?: boolean } };

/** What the Helm operator does when an upgrade fails. */
export interface RollbackSettings {
  /** Roll back a failed upgrade. @default false */
  readonly enable?: boolean;
  /** Force resource updates through delete and recreate. @default false */
  readonly force?: boolean;
  /** Recreate pods. @default false */
  readonly recreate?: boolean;
  /** Skip hooks. @default false */
  readonly disableHooks?: boolean;
  /** Seconds to wait for any Kubernetes operation. @default 300 */
  readonly timeout?: number;
  /** Wait for the rollback's resources to be ready. @default false */
  readonly wait?: boolean;
  /** Retry the upgrade after a rollback. @default false */
  readonly retry?: boolean;
  /** How many times to retry. @default 5 */
  readonly maxRetries?: number;
}

/** `helm test` after install and upgrade. */
export interface TestSettings {
  /** Run the chart's tests. @default false */
  readonly enable?: boolean;
  /** Seconds to wait for the tests. @default 300 */
  readonly timeout?: number;
  /** Delete the test pods afterwards. @default true */
  readonly cleanup?: boolean;
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
   * Values from ConfigMaps, Secrets, URLs or files of the chart, merged in order before `values`.
   * @default - none
   */
  readonly valuesFrom?: readonly ValuesFromSource[];

  /** Wait until all resources are ready before marking the release successful. @default false */
  readonly wait?: boolean;

  /** Seconds to wait for any individual Kubernetes operation during install and upgrade. @default 300 */
  readonly timeout?: number;

  /** Reset values to the chart's defaults on upgrade (`helm upgrade --reset-values`). @default false */
  readonly resetValues?: boolean;

  /** Force resource updates through delete and recreate. @default false */
  readonly forceUpgrade?: boolean;

  /** Skip installing the chart's CRDs (Helm 3). @default false */
  readonly skipCRDs?: boolean;

  /** How many Helm revisions to keep. @default 10 */
  readonly maxHistory?: number;

  /** What to do when an upgrade fails. @default - no rollback */
  readonly rollback?: RollbackSettings;

  /** Install the release's resources into this namespace instead of the HelmRelease's. @default - the HelmRelease's namespace */
  readonly targetNamespace?: string;

  /** Run `helm test` after install and upgrade. @default - no tests */
  readonly test?: TestSettings;

  /** Skip validating the rendered manifests against the cluster's OpenAPI schema (Helm 3). @default false */
  readonly disableOpenAPIValidation?: boolean;

  /**
   * Values `helmflux render` (and `validate --rendered`, `check`, `diff`)
   * uses in place of what this release's ConfigMap and Secret `valuesFrom`
   * hold in the cluster, which cannot be read offline: placeholders, merged
   * before `values` as `valuesFrom` is. Never written to dist/; use no real
   * secret here (this file is committed).
   * @default - none: a render that needs them is a warning naming the `valuesFrom` entry
   */
  readonly renderValues?: HelmValues;

  /**
   * Paths under `values` that look like credentials by helmflux's rule
   * (README, "No plaintext secrets") but are not, written as in helmflux's
   * messages: `"auth.tokenName"`, `'ingress.annotations["nginx.ingress.kubernetes.io/auth-secret"]'`.
   * A literal string under any other secret-looking key is refused; `diff`
   * shows these paths instead of masking them.
   * @default - none
   */
  readonly notSecret?: readonly string[];

  /**
   * The imported chart this release installs (`helmflux chart import`): its
   * values schema, which checks the release's final values, and the values
   * every release of it shares. Set by a chart's `release()`
   * (`defineChart`); not written by hand.
   * @default - no schema: the values are not checked (`list` says "unchecked")
   */
  readonly imported?: ImportedChart;

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

/** A JSON Schema (draft 7 or 2019-09), as `values.schema.json` holds it. */
export type JsonSchema = { readonly [keyword: string]: unknown } | boolean;

/** What a release knows of its imported chart. */
export interface ImportedChart {
  /** The chart's name in this repository (`helmflux chart import --name`), e.g. `helmbasics`. */
  readonly name: string;
  /** The chart's values schema (`common/charts/<name>/values.schema.json`). */
  readonly schema: JsonSchema;
  /**
   * Values every release of the chart shares, under the release's own:
   * objects merge key by key, anything else (arrays included) is replaced,
   * and `null` removes a chart default (and stays in the output).
   * @default - none
   */
  readonly sharedValues?: HelmValues;
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

/** A chart imported with `helmflux chart import`, as its `index.ts` declares it. */
export interface ChartDefinition<Values> {
  /** The chart's name in this repository: `common/charts/<name>/`. */
  readonly name: string;
  /** Its values schema: `import schema from './values.schema.json'`. */
  readonly schema: JsonSchema;
  /** Where a release's chart comes from, given the release's `ref` (a git branch, tag or commit, or a Helm repository chart version). */
  readonly source: (ref: string) => ChartSource;
  /**
   * Values every release of the chart in this repository shares; each
   * release's own `values` are merged over them (see `ImportedChart.sharedValues`).
   * @default - none
   */
  readonly values?: ValuesOf<Values>;
}

/**
 * One layer of values of a chart whose values are `T`: every key optional
 * (the chart has defaults), and `null` allowed anywhere (it removes a default).
 */
export type ValuesOf<T> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]?: ValuesOf<T[K]> | null } : T;

/** A release of an imported chart: a release definition whose `chart` is a `ref` of the chart and whose `values` are typed. */
export type ChartRelease<Values> = Omit<ReleaseDefinition, 'chart' | 'values' | 'renderValues' | 'imported'> & {
  /** The chart's git branch, tag or commit (or its version, for a Helm repository chart), as the chart's `source` takes it. */
  readonly ref: string;
  /** The release's own values, merged over the chart's shared values and then over its `values.yaml`. `null` removes a default. */
  readonly values?: ValuesOf<Values>;
  /** Placeholders for what `valuesFrom` ConfigMaps and Secrets hold, for rendering only (see `ReleaseDefinition.renderValues`). */
  readonly renderValues?: ValuesOf<Values>;
};

/** An imported chart: makes releases whose values its types check in the editor and its schema at synth. */
export interface Chart<Values> {
  readonly name: string;
  /** One release of the chart. */
  release(release: ChartRelease<Values>): ReleaseDefinition;
}

/**
 * Declares an imported chart (`common/charts/<name>/index.ts`, written by
 * `helmflux chart import`). `Values` is the type generated from its schema
 * (`./values.ts`), so a misspelt key is a compile error in every environment.
 */
export function defineChart<Values extends object>(chart: ChartDefinition<Values>): Chart<Values> {
  return {
    name: chart.name,
    release({ ref, values, renderValues, ...rest }: ChartRelease<Values>): ReleaseDefinition {
      return {
        ...rest,
        ...(renderValues === undefined ? {} : { renderValues: renderValues as unknown as HelmValues }),
        chart: chart.source(ref),
        ...(values === undefined ? {} : { values: values as unknown as HelmValues }),
        imported: { name: chart.name, schema: chart.schema, ...(chart.values === undefined ? {} : { sharedValues: chart.values as unknown as HelmValues }) },
      };
    },
  };
}

/** Whether a chart source is a git chart (and not a Helm repository chart). */
export function isGitChart(chart: ChartSource): chart is GitChartSource {
  // The same test validation makes: a `git` present but undefined is no git chart.
  return chart.git !== undefined;
}
