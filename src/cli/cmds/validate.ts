import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../args';
import { count, say, sayJson } from '../output';

interface ValidateArgs extends GlobalArgs {
  json: boolean;
}

export const validateCommand: CommandModule<GlobalArgs, ValidateArgs> = {
  command: 'validate',
  describe: 'Check every environment and every rendered object (against the upstream schemas), writing nothing',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs.option('json', { type: 'boolean', default: false, describe: 'Print one JSON document: { valid, environments, objects }' }),
  handler: (args) => {
    const { validate } = require('../../commands/synth') as typeof import('../../commands/synth');
    const report = validate({ environmentsDir: args.environments });
    if (args.json) sayJson({ valid: true, environments: report.environments, objects: report.objects });
    else say(`${count(report.environments, 'environment')}, ${count(report.objects, 'object')}: valid`);
  },
};
