import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../args';
import { say, sayJson } from '../output';

interface ExplainArgs extends GlobalArgs {
  environment: string;
  release: string;
  path?: string;
  json?: boolean;
}

export const explainCommand: CommandModule<GlobalArgs, ExplainArgs> = {
  command: 'explain <environment> <release> [path]',
  describe: "Print a release's final values, each with the layer and the file and line that set it",
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .positional('environment', { type: 'string', demandOption: true, describe: 'The environment (its file name without .ts)' })
      .positional('release', { type: 'string', demandOption: true, describe: 'The release: its name or its Helm release name' })
      .positional('path', { type: 'string', describe: 'A path under values, e.g. ingress.host', defaultDescription: 'every value' })
      .option('json', { type: 'boolean', describe: 'Print JSON: [{ path, value, layer, file, line, chartDefault }]' })
      .example('$0 explain pro helmbasic-production replicaCount', 'replicaCount: 3  environments/pro.ts:14 (release helmbasic-production)'),
  handler: (args) => {
    const { explain, formatExplained } = require('../../commands/explain') as typeof import('../../commands/explain');
    const values = explain({ environmentsDir: args.environments, environment: args.environment, release: args.release, path: args.path });
    if (args.json) sayJson(values);
    else say(formatExplained(values));
  },
};
