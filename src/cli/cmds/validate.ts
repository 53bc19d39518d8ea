import type { Argv, CommandModule } from 'yargs';
import { FLUX_OPTION, type GlobalArgs } from '../args';
import { count, say, sayJson } from '../output';
import { progressReporter } from '../progress';
import { runAsync } from '../exit';
import { InputError } from '../../problems';

interface ValidateArgs extends GlobalArgs {
  flux?: 'v1' | 'v2';
  json: boolean;
  rendered: boolean;
}

export const validateCommand: CommandModule<GlobalArgs, ValidateArgs> = {
  command: 'validate',
  describe: 'Check every environment and every object synth would write (against the upstream schemas), writing nothing; with --rendered, also every object the charts render, for kubernetesVersion',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('flux', FLUX_OPTION)
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document: { valid, environments, objects } (with --rendered: and rendered, renderProblems, unchecked)' })
      .option('rendered', {
        type: 'boolean',
        default: false,
        describe: "Also render every HelmRelease of dist/ with Helm (charts from helmflux chart pull) and check each object for kubernetesVersion: APIs it no longer serves, unknown fields, CRD schemas (exit 2 on a problem)",
      }),
  handler: (args) => {
    const { validate } = require('../../commands/synth') as typeof import('../../commands/synth');
    const report = validate({ environmentsDir: args.environments, flux: args.flux, progress: progressReporter() });
    if (args.rendered) {
      runAsync(async () => {
        const { validateRendered, renderedInputProblems } = require('../../commands/render') as typeof import('../../commands/render');
        const { render, check } = await validateRendered({ environmentsDir: args.environments, flux: args.flux });
        const problems = renderedInputProblems(check, render.problems);
        if (args.json) sayJson({ valid: problems.length === 0, environments: report.environments, objects: report.objects, rendered: check.checked, renderProblems: problems, unchecked: check.unchecked });
        for (const w of render.problems.filter((p) => p.warning)) process.stderr.write(`${w.file}: ${w.release}: warning: ${w.message}. ${w.fix}\n`);
        for (const u of check.unchecked) process.stderr.write(`unchecked (no schema: its CRD is not in the chart): ${u}\n`);
        if (problems.length > 0) throw new InputError(problems);
        if (!args.json) say(`${count(report.environments, 'environment')}, ${count(report.objects, 'object')}: valid; ${count(render.objects.length, 'rendered object')} of ${count(render.releases, 'release')} valid for Kubernetes ${render.kubernetesVersion}`);
      });
      return;
    }
    if (args.json) sayJson({ valid: true, environments: report.environments, objects: report.objects });
    else say(`${count(report.environments, 'environment')}, ${count(report.objects, 'object')}: valid`);
  },
};
