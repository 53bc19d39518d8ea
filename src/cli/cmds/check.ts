import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../main';
import { ExitWith, EXIT } from '../exit';

interface CheckArgs extends GlobalArgs {
  env?: string[];
  out?: string;
}

export const checkCommand: CommandModule<GlobalArgs, CheckArgs> = {
  command: 'check',
  describe: 'Check everything synth checks, then whether dist/ is what synth would write (exit 1 if not), writing nothing',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('env', { type: 'string', array: true, describe: 'Check only this environment\'s files (repeatable)', requiresArg: true })
      .option('out', { type: 'string', describe: 'Output folder', defaultDescription: 'dist', requiresArg: true })
      .example('$0 check', 'in CI: fail when someone changed an environment but did not commit the synthesized dist/'),
  handler: (args) => {
    const { check } = require('../../commands/synth') as typeof import('../../commands/synth');
    const report = check({ environmentsDir: args.environments, outDir: args.out, environments: args.env });
    for (const file of report.stale) process.stdout.write(`would write ${report.outDir}/${file}\n`);
    for (const file of report.removed) process.stdout.write(`would remove ${report.outDir}/${file}\n`);
    if (report.stale.length + report.removed.length === 0) {
      process.stdout.write(`${report.outDir}/ is up to date\n`);
      return;
    }
    process.stdout.write(`${report.outDir}/ is out of date: run \`npm run synth\` and commit the result\n`);
    throw new ExitWith(EXIT.drift);
  },
};
