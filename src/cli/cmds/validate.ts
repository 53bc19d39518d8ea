import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../main';

export const validateCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'validate',
  describe: 'Check every environment and every rendered object (against the upstream schemas), writing nothing',
  handler: (args) => {
    const { validate } = require('../../commands/synth') as typeof import('../../commands/synth');
    const report = validate({ environmentsDir: args.environments });
    process.stdout.write(`${report.environments} environment(s), ${report.objects} object(s): valid\n`);
  },
};
