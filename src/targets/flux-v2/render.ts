/**
 * Rendering for Flux v2: validated environments in, file contents out. Pure,
 * like the v1 renderer, and checked against strict copies of the pinned v2
 * CRDs plus the rules they state only in CEL.
 *
 * Layout of the output folder (README, "Flux v2"):
 * - `namespaces/<env>.yaml`: the Namespace, as for v1;
 * - `releases/<env>.yaml`: the HelmReleases (helm.toolkit.fluxcd.io/v2), image policy markers on their value lines;
 * - `images/<env>.yaml`: the ImagePolicies of its automated releases (in Flux's namespace);
 * - project files, from every environment (`project.ts`): `flux/sources.yaml`
 *   (the GitRepositories and HelmRepositories of the charts),
 *   `flux/image-automation.yaml` (an ImageRepository per image, and the
 *   ImageUpdateAutomation) and `kustomization.yaml`.
 */
import { App, Chart } from 'cdk8s';
import { compareCodePoints } from '../../order';
import type { Settings } from '../../definition/settings';
import type { ValidEnvironment } from '../../definition/validate';
import { validators, type Validator } from '../../definition/validators';
import { generatedFileText, outputPaths, PROJECT_FILES, type RenderedFile, type SharedObject } from '../../output/layout';
import { toYamlDocument, type JsonValue } from '../../output/yaml';
import { fieldPath, type Problem } from '../../problems';
import { EnvironmentNamespace } from '../flux-v1/namespace';
import { checkV2 } from './compat';
import { helmReleaseV2 } from './helm-release';
import { policySpec } from './images';
import { keyOrderV2 } from './key-order';
import { INTERVALS } from './sources';
import { gitRepositoryJson, helmReleaseJson, helmRepositoryJson, imagePolicyJson, imageRepositoryJson, imageUpdateAutomationJson } from './objects';
import { ImageUpdateAutomationSpecSourceRefKind, ImageUpdateAutomationSpecUpdateStrategy } from '../../imports/flux-v2-imageupdateautomation-image.toolkit.fluxcd.io';

export interface RenderResultV2 {
  readonly files: RenderedFile[];
  readonly problems: Problem[];
  readonly warnings: string[];
}

/** The name of the one ImageUpdateAutomation helmflux writes. */
export const IMAGE_UPDATE_NAME = 'helmflux';

export function renderEnvironmentsV2(environments: readonly ValidEnvironment[], settings: Settings): RenderResultV2 {
  const app = new App();
  const files: RenderedFile[] = [];
  const problems: Problem[] = [];
  const warnings: string[] = [];
  for (const env of environments) {
    const namespace = env.definition.namespace.name;
    const before = problems.length;
    const add = (field: string, message: string, fix: string) => problems.push({ file: env.file, field, message, fix });
    const releases = env.definition.releases ?? [];
    releases.forEach((release, i) => checkV2(release, fieldPath('releases', i), namespace, settings, add, (w) => warnings.push(`${env.file}: ${w}`)));
    if (problems.length > before) continue;

    const paths = outputPaths(env.name);
    // The Namespace is the v1 target's construct, in a chart of its own.
    const chart = new Chart(app, `env-${env.name}`);
    const construct = new EnvironmentNamespace(chart, 'Namespace', env.definition.namespace);
    const namespaceObject = checked(construct.apiObject.toJson(), validators.namespace, env.file, 'namespace', problems);
    app.node.tryRemoveChild(chart.node.id);
    files.push({ path: paths.namespace, environment: env.name, text: generatedFileText(env.file, [toYamlDocument(namespaceObject, keyOrderV2)]) });
    if (releases.length === 0) continue;

    const shared: SharedObject[] = [];
    const share = (file: string, object: Record<string, unknown>, validator: Validator, field: string) => {
      const meta = object.metadata as { name: string; namespace: string };
      checked(object as JsonValue, validator, env.file, field, problems);
      shared.push({ file, id: `${String(object.kind)}/${meta.namespace}/${meta.name}`, document: toYamlDocument(object as JsonValue, keyOrderV2) });
    };
    const documents: string[] = [];
    const imageDocuments = new Map<string, string>();
    releases.forEach((release, i) => {
      const field = fieldPath('releases', i);
      const rendered = helmReleaseV2(release, namespace, settings);
      const object = checked(helmReleaseJson(rendered.props) as JsonValue, validators.helmReleaseV2, env.file, field, problems) as Record<string, unknown>;
      const spec = object.spec as { chart?: unknown; chartRef?: unknown };
      // CEL: either chart or chartRef.
      if ((spec.chart === undefined) === (spec.chartRef === undefined)) problems.push(bug(env.file, field, 'HelmRelease', 'either chart or chartRef must be set'));
      documents.push(toYamlDocument(object as JsonValue, keyOrderV2, (at) => rendered.comments.get(at)));
      const { source } = rendered;
      const sourceMeta = { name: source.name, namespace: settings.fluxNamespace };
      if (source.kind === 'GitRepository') share(PROJECT_FILES.sources, gitRepositoryJson(sourceMeta, source.spec), validators.gitRepository, `${field}.chart`);
      else share(PROJECT_FILES.sources, helmRepositoryJson(sourceMeta, source.spec), validators.helmRepository, `${field}.chart`);
      for (const image of rendered.images) {
        const meta = { namespace: settings.fluxNamespace };
        const repository = imageRepositoryJson({ name: image.repositoryName, ...meta }, { image: image.image, interval: INTERVALS.imageRepository });
        const policy = imagePolicyJson({ name: image.policyName, ...meta }, policySpec(image.filter, image.repositoryName));
        share(PROJECT_FILES.imageAutomation, repository, validators.imageRepository, `${field}.flux`);
        imageDocuments.set(image.policyName, toYamlDocument(checked(policy as JsonValue, validators.imagePolicy, env.file, `${field}.flux`, problems), keyOrderV2));
        if (settings.gitops !== undefined) share(PROJECT_FILES.imageAutomation, imageUpdateAutomation(settings), validators.imageUpdateAutomation, `${field}.flux`);
      }
    });
    files.push({ path: paths.releases, environment: env.name, text: generatedFileText(env.file, documents), shared });
    if (imageDocuments.size > 0) {
      const ordered = [...imageDocuments].sort(([a], [b]) => compareCodePoints(a, b));
      files.push({ path: paths.images, environment: env.name, text: generatedFileText(env.file, ordered.map(([, d]) => d)) });
    }
  }
  return { files, problems, warnings };
}

/** The one ImageUpdateAutomation: checks out the GitOps repository, updates the markers under its output folder, pushes to its branch. */
function imageUpdateAutomation(settings: Settings): Record<string, unknown> {
  const gitops = settings.gitops!;
  return imageUpdateAutomationJson(
    { name: IMAGE_UPDATE_NAME, namespace: settings.fluxNamespace },
    {
      sourceRef: { kind: ImageUpdateAutomationSpecSourceRefKind.GIT_REPOSITORY, name: settings.gitopsSource, namespace: settings.fluxNamespace },
      git: {
        checkout: { ref: { branch: gitops.branch } },
        commit: { author: { name: settings.imageUpdateAuthor.name, email: settings.imageUpdateAuthor.email } },
        push: { branch: gitops.branch },
      },
      interval: INTERVALS.imageUpdate,
      update: { path: `./${gitops.path}`, strategy: ImageUpdateAutomationSpecUpdateStrategy.SETTERS },
    },
  );
}

function bug(file: string, field: string, kind: string, message: string): Problem {
  return { file, field, message: `the rendered ${kind} fails its upstream schema: ${message}`, fix: "The definition passed helmflux's own checks, so this is a helmflux bug: please report it with this environment file." };
}

function checked(object: JsonValue, validator: Validator, file: string, field: string, problems: Problem[]): JsonValue {
  if (!validator(object)) {
    const kind = (object as { kind?: string }).kind ?? 'object';
    for (const error of validator.errors ?? []) problems.push(bug(file, field, kind, `at ${error.instancePath || '/'}: ${error.message ?? error.keyword}`));
  }
  return object;
}
