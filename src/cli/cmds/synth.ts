import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../main';

interface SynthArgs extends GlobalArgs {
  env?: string[];
  out?: string;
  cache: boolean;
}

export const synthCommand: CommandModule<GlobalArgs, SynthArgs> = {
  command: 'synth',
  describe: 'Validate every environment, then write dist/namespaces/<env>.yaml and dist/releases/<env>.yaml (only files whose bytes changed)',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('env', {
        type: 'string',
        array: true,
        describe: 'Write only this environment\'s files (repeatable); every environment is still validated',
        requiresArg: true,
      })
      .option('out', { type: 'string', describe: 'Output folder', defaultDescription: 'dist', requiresArg: true })
      .option('cache', {
        type: 'boolean',
        default: true,
        describe: 'Reuse what unchanged environments rendered to last time (--no-cache renders every environment)',
      })
      .example('$0 synth', 'write every environment to dist/')
      .example('$0 synth --env dev --env stg', 'write only dev and stg')
      .example('$0 synth --out /tmp/preview', 'write a copy somewhere else'),
  handler: (args) => {
    // Loaded in the handler: `--help` and other commands never pay for rendering.
    const { synth } = require('../../commands/synth') as typeof import('../../commands/synth');
    const report = synth({
      environmentsDir: args.environments,
      outDir: args.out,
      environments: args.env,
      cache: args.cache,
      log: (line) => process.stdout.write(line + '\n'),
    });
    process.stdout.write(
      `synthesized ${report.environments} environment(s) into ${report.outDir}/: ` +
        `${report.written} written, ${report.unchanged} unchanged, ${report.removed} removed\n`,
    );
  },
};
