/**
 * The app `cdk8s.yaml` names, for cdk8s-cli users: `npx cdk8s synth -o <tmp>`
 * synthesizes the same objects as `helmflux synth` (one `<env>.k8s.yaml` per
 * environment, in cdk8s's own YAML style). cdk8s-cli empties its output folder
 * first, so never point it at dist/; `helmflux synth` is the command that
 * writes dist/.
 */
import { App } from 'cdk8s';
import { EnvironmentChart } from './targets/flux-v1/environment-chart';
import { loadValidEnvironments, openProject } from './engine/pipeline';
import { InputError } from './problems';

try {
  const app = new App();
  for (const env of loadValidEnvironments(openProject({}))) new EnvironmentChart(app, env.name, { definition: env.definition });
  app.synth();
} catch (err) {
  if (!(err instanceof InputError)) throw err;
  process.stderr.write(err.message + '\n');
  process.exitCode = 2;
}
