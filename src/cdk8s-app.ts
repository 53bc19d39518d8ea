/**
 * The app `cdk8s.yaml` names, for cdk8s-cli users: `npx cdk8s synth -o <tmp>`
 * synthesizes the same objects as `helmflux synth`, for the Flux the
 * settings' `flux` names (one `<env>.k8s.yaml` per environment, in cdk8s's
 * own YAML style; under Flux v2 also `flux.k8s.yaml` with the chart sources
 * and image automation that every environment shares). cdk8s-cli empties its
 * output folder first, so never point it at dist/; `helmflux synth` is the
 * command that writes dist/.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { EnvironmentChart } from './targets/flux-v1/environment-chart';
import { loadValidEnvironments, openProject } from './engine/pipeline';
import { InputError } from './problems';
import type { RenderedFile } from './output/layout';

/** An object rendered by the Flux v2 target, given to cdk8s as it is (cdk8s's own resolution would drop a `null` in values). */
class RenderedObject extends ApiObject {
  public constructor(
    scope: Construct,
    id: string,
    private readonly object: Record<string, unknown>,
  ) {
    super(scope, id, { apiVersion: String(object.apiVersion), kind: String(object.kind), metadata: object.metadata as Record<string, string> });
  }

  public override toJson(): any {
    return this.object;
  }
}

/** The Flux v2 target's files as cdk8s charts: one per environment, and `flux` for the project files (kustomization.yaml holds no object). */
function fluxV2Charts(app: App, files: readonly RenderedFile[]): void {
  const charts = new Map<string, Chart>();
  for (const file of files) {
    const name = file.environment === '' ? 'flux' : file.environment;
    let chart = charts.get(name);
    if (chart === undefined) {
      chart = new Chart(app, name);
      charts.set(name, chart);
    }
    if (file.path.endsWith('kustomization.yaml')) continue;
    for (const document of parseAllDocuments(file.text, { version: '1.1' })) {
      const object = document.toJS() as Record<string, unknown> | null;
      if (object === null) continue;
      const meta = (object.metadata ?? {}) as Record<string, unknown>;
      new RenderedObject(chart, `${String(object.kind)}-${String(meta.namespace ?? '')}-${String(meta.name)}`, object);
    }
  }
}

try {
  const app = new App();
  const project = openProject({});
  const settings = project.settings.settings;
  const valid = loadValidEnvironments(project);
  if (settings.flux === 'v2') {
    // The same pure rendering `helmflux synth --flux v2` writes, project files included.
    const { renderEnvironmentsV2 } = require('./targets/flux-v2/render') as typeof import('./targets/flux-v2/render');
    const { projectFilesV2 } = require('./targets/flux-v2/project') as typeof import('./targets/flux-v2/project');
    const rendered = renderEnvironmentsV2(valid, settings);
    const shared = projectFilesV2(rendered.files);
    if (rendered.problems.length + shared.problems.length > 0) throw new InputError([...rendered.problems, ...shared.problems]);
    fluxV2Charts(app, [...rendered.files, ...shared.files]);
  } else {
    for (const env of valid) new EnvironmentChart(app, env.name, { definition: env.definition });
  }
  app.synth();
} catch (err) {
  if (!(err instanceof InputError)) throw err;
  process.stderr.write(err.message + '\n');
  process.exitCode = 2;
}
