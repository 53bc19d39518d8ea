import type { Argv, CommandModule } from 'yargs';
import { FLUX_OPTION, type GlobalArgs } from '../args';
import { say } from '../output';

interface PromoteArgs extends GlobalArgs {
  flux?: 'v1' | 'v2';
  from: string;
  to: string;
  release?: string;
  'dry-run': boolean;
  out?: string;
}

export const promoteCommand: CommandModule<GlobalArgs, PromoteArgs> = {
  command: 'promote',
  describe: "Carry the image tags of one environment's automated releases (as dist/ holds them) into another environment's releases of the same chart, as an edit of its file",
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('flux', FLUX_OPTION)
      .option('from', { type: 'string', demandOption: true, describe: 'The environment to promote from', requiresArg: true })
      .option('to', { type: 'string', demandOption: true, describe: 'The environment to promote to', requiresArg: true })
      .option('release', { type: 'string', describe: 'Only this release of --from (its HelmRelease name)', requiresArg: true })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the change to the environment file, writing nothing' })
      .option('out', { type: 'string', describe: 'Output folder', defaultDescription: 'dist', requiresArg: true })
      .example('$0 promote --from dev --to stg', "put dev's tested image tags into environments/stg.ts"),
  handler: (args) => {
    const { promote } = require('../../commands/promote') as typeof import('../../commands/promote');
    const report = promote({ environmentsDir: args.environments, flux: args.flux, from: args.from, to: args.to, release: args.release, dryRun: args['dry-run'], outDir: args.out });
    for (const p of report.promoted) {
      say(`promoted ${p.container} of ${args.from}'s ${p.release} to ${args.to}'s ${p.target}: ${p.image}${p.filter ? ` (with its filter ${p.filter})` : ''}`);
    }
    if (args['dry-run']) {
      const { lineDiff } = require('../../review/format') as typeof import('../../review/format');
      say(`--- ${report.file}`);
      say(`+++ ${report.file} (promoted)`);
      for (const line of lineDiff(report.before.split('\n'), report.after.split('\n'))) if (!line.startsWith(' ')) say(line);
      say('dry run: nothing was written');
    } else say(report.after === report.before ? `${report.file} already has these images` : `wrote ${report.file}; run synth (it writes the promoted tags, also over a tag Flux committed there) and commit both`);
  },
};
