import type { Argv, CommandModule } from 'yargs';
import { FLUX_OPTION, type GlobalArgs } from '../args';
import { count, say, sayJson } from '../output';
import { progressReporter } from '../progress';

interface ValidateArgs extends GlobalArgs {
  flux?: 'v1' | 'v2';
  json: boolean;
}

export const validateCommand: CommandModule<GlobalArgs, ValidateArgs> = {
  command: 'validate',
  describe: 'Check every environment and every rendered object (against the upstream schemas), writing nothing',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('flux', FLUX_OPTION)
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document: { valid, environments, objects }' }),
  handler: (args) => {
    const { validate } = require('../../commands/synth') as typeof import('../../commands/synth');
    const report = validate({ environmentsDir: args.environments, flux: args.flux, progress: progressReporter() });
    if (args.json) sayJson({ valid: true, environments: report.environments, objects: report.objects });
    else say(`${count(report.environments, 'environment')}, ${count(report.objects, 'object')}: valid`);
  },
};
