import type { Argv, CommandModule } from 'yargs';
import { FLUX_OPTION, type GlobalArgs } from '../args';
import { say } from '../output';

interface AdoptArgs extends GlobalArgs {
  flux?: 'v1' | 'v2';
  env?: string[];
  out?: string;
}

export const adoptCommand: CommandModule<GlobalArgs, AdoptArgs> = {
  command: 'adopt',
  describe: "Write the image tags Flux's automation committed into dist/ (the ones synth keeps) back into the environment files",
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('flux', FLUX_OPTION)
      .option('env', { type: 'string', array: true, describe: "Only this environment's tags (repeatable)", requiresArg: true })
      .option('out', { type: 'string', describe: 'Output folder', defaultDescription: 'dist', requiresArg: true })
      .example('$0 adopt', "after Flux's auto-release commit: make its tags the environments' own")
      .example('$0 adopt --flux v2 --out /tmp/fleet', "the tags the image-automation-controller committed at the $imagepolicy markers of a v2 folder"),
  handler: (args) => {
    const { adopt } = require('../../commands/adopt') as typeof import('../../commands/adopt');
    const adopted = adopt({ environmentsDir: args.environments, flux: args.flux, outDir: args.out, environments: args.env });
    for (const a of adopted) say(`adopted ${a.file}: ${a.field}: ${JSON.stringify(a.from)} → ${JSON.stringify(a.to)}`);
    say(adopted.length === 0 ? 'nothing to adopt: no tag of Flux\'s image automation is kept in dist/' : `adopted ${adopted.length} ${adopted.length === 1 ? 'tag' : 'tags'}; run synth (it records them as the definition's tags, changing nothing else) and commit both`);
  },
};
