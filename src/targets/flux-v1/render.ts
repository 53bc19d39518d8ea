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

/** Renders validated environments to their files (in environment order). */
export function renderEnvironments(environments: readonly ValidEnvironment[]): RenderResult {
  const app = new App();
  const files: RenderedFile[] = [];
  const problems: Problem[] = [];
  const warnings: string[] = [];
  for (const env of environments) {
    warnings.push(...filterWarnings(env));
    // Not the bare name as the id: constructs takes "constructor", a valid environment name, for a child it already has.
    const chart = new EnvironmentChart(app, `env-${env.name}`, { definition: env.definition });
    const paths = outputPaths(env.name);

    const namespace = checked(chart.namespaceObject.toJson(), validators.namespace, env, 'namespace', problems);
    files.push({ path: paths.namespace, environment: env.name, text: generatedFileText(env.file, [toYamlDocument(namespace, keyOrder)]) });

    if (chart.releases.length > 0) {
      const documents = chart.releases.map((release, i) =>
        toYamlDocument(checked(release.toJson(), validators.helmRelease, env, fieldPath('releases', i), problems), keyOrder),
      );
      files.push({ path: paths.releases, environment: env.name, text: generatedFileText(env.file, documents) });
    }
    // Rendered: let the constructs go, so memory stays flat however many environments there are.
    app.node.tryRemoveChild(chart.node.id);
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

/** Checks an object against its upstream schema; returns it for chaining. */
function checked(object: JsonValue, validator: Validator, env: ValidEnvironment, field: string, problems: Problem[]): JsonValue {
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
  return object;
}
