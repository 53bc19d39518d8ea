/**
 * Rendering: validated environments in, file contents out. Pure (no file
 * system), so `synth` and `validate` share it and cannot disagree.
 *
 * Objects are rendered one by one with `ApiObject.toJson()`, never through a
 * whole-chart or whole-app synthesis (whose cost grows with the square of the
 * number of charts), then checked against the strict upstream schemas and
 * written as YAML 1.1-safe text.
 *
 * Layout (`layout.ts`): `namespaces/<env>.yaml` (the Namespace) and
 * `releases/<env>.yaml` (the HelmReleases, in definition order; no file for an
 * environment without releases). Each document starts with `---`; a header
 * comment naming the environment file opens the first (`layout.ts` says why
 * there).
 *
 * Key order, the same in every file: `apiVersion`, `kind`, `metadata`, `spec`;
 * in `metadata`: `name`, `namespace`, `labels`, `annotations`; in a
 * HelmRelease `spec`: `releaseName`, `chart`, then the other fields sorted,
 * `values` last; in `chart`: `git`, `path`, `ref` or `repository`, `name`,
 * `version`. Every other mapping (labels, annotations, values) is sorted by
 * code point, so reordering keys in an environment file changes nothing.
 */
import { App } from 'cdk8s';
import { EnvironmentChart } from './environment-chart';
import { generatedFileText, outputPaths, type RenderedFile } from '../../output/layout';
import { fieldPath, Problem } from '../../problems';
import type { ValidEnvironment } from '../../definition/validate';
import { validators, type Validator } from '../../definition/validators';
import { toYamlDocument, type JsonValue } from '../../output/yaml';
import { keyOrder } from './key-order';
import { automationAnnotations } from '../../images/containers';

export { keyOrder };

/** The result of rendering: every file, or the problems that stop rendering; and what is valid but probably not meant. */
export interface RenderResult {
  readonly files: RenderedFile[];
  readonly problems: Problem[];
  readonly warnings: string[];
}

/**
 * Renders validated environments to their files (in environment order), in
 * three passes over all of them: build each environment's constructs and
 * take its objects' JSON (then let the constructs go, so memory stays flat
 * however many environments there are), check every object against its
 * schema, write every file's YAML. Each pass keeps its own code warm (cdk8s,
 * the compiled validators, the YAML writer): about 5 % faster for a few
 * hundred environments than doing all three for each in turn (BENCHMARKS.md, (k)).
 */
export function renderEnvironments(environments: readonly ValidEnvironment[]): RenderResult {
  const app = new App();
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const objects = environments.map((env) => {
    warnings.push(...filterWarnings(env));
    // Not the bare name as the id: constructs takes "constructor", a valid environment name, for a child it already has.
    const chart = new EnvironmentChart(app, `env-${env.name}`, { definition: env.definition });
    const namespace: JsonValue = chart.namespaceObject.toJson();
    const rendered = { env, namespace, releases: chart.releases.map((release): JsonValue => release.toJson()) };
    app.node.tryRemoveChild(chart.node.id);
    return rendered;
  });
  for (const { env, namespace, releases } of objects) {
    checked(namespace, validators.namespace, env, 'namespace', problems);
    releases.forEach((release, i) => checked(release, validators.helmRelease, env, fieldPath('releases', i), problems));
  }
  const files: RenderedFile[] = [];
  for (const { env, namespace, releases } of objects) {
    const paths = outputPaths(env.name);
    files.push({ path: paths.namespace, environment: env.name, text: generatedFileText(env.file, [toYamlDocument(namespace, keyOrder)]) });
    if (releases.length > 0) {
      files.push({ path: paths.releases, environment: env.name, text: generatedFileText(env.file, releases.map((release) => toYamlDocument(release, keyOrder))) });
    }
  }
  return { files, problems, warnings };
}

/** A filter on a release that is not automated has no effect: Flux does not update its images. */
function filterWarnings(env: ValidEnvironment): string[] {
  const out: string[] = [];
  for (const release of env.definition.releases ?? []) {
    const annotations: Record<string, string> = { ...release.annotations, ...automationAnnotations(release.flux) };
    if (annotations['fluxcd.io/automated'] === 'true') continue;
    for (const key of Object.keys(annotations).filter((k) => k.startsWith('filter.fluxcd.io/'))) {
      out.push(`${env.file}: release ${release.name}: ${key} has no effect: the release is not automated (flux.automated), so Flux does not update its images`);
    }
  }
  return out;
}

/** Checks an object against its upstream schema. */
function checked(object: JsonValue, validator: Validator, env: ValidEnvironment, field: string, problems: Problem[]): void {
  if (!validator(object)) {
    const kind = (object as { kind?: string }).kind;
    for (const error of validator.errors ?? []) {
      problems.push({
        file: env.file,
        field,
        message: `the rendered ${kind} fails its upstream schema at ${error.instancePath || '/'}: ${error.message ?? error.keyword}`,
        fix: 'The definition passed helmflux\'s own checks, so this is a helmflux bug: please report it with this environment file.',
      });
    }
  }
}
