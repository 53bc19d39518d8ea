import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../args';
import { sayJson } from '../output';

interface StatusArgs extends GlobalArgs {
  env?: string[];
  out?: string;
  format: 'text' | 'markdown' | 'json' | 'mermaid';
}

export const statusCommand: CommandModule<GlobalArgs, StatusArgs> = {
  command: 'status',
  describe: "Show where every version runs, as dist/ says now (Flux's commits included): each environment's releases, chart sources and refs, and image tags with their filters",
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('env', { type: 'string', array: true, describe: "Only this environment (repeatable)", requiresArg: true })
      .option('out', { type: 'string', describe: 'Output folder', defaultDescription: 'dist', requiresArg: true })
      .option('format', {
        choices: ['text', 'markdown', 'json', 'mermaid'] as const,
        default: 'text' as const,
        describe: 'text for a terminal; markdown for a pull request; json: { rows: [...] } (fields in the README); mermaid: a flowchart GitHub renders',
      })
      .example('$0 status', 'which tag runs in staging, which chart ref production is on')
      .example('$0 status --format mermaid', 'the same as a picture, for a README or a pull request'),
  handler: (args) => {
    const s = require('../../commands/status') as typeof import('../../commands/status');
    const { rows } = s.status({ environmentsDir: args.environments, environments: args.env, outDir: args.out });
    if (args.format === 'json') sayJson({ rows });
    else if (args.format === 'mermaid') process.stdout.write(s.formatStatusMermaid(rows));
    else if (args.format === 'markdown') process.stdout.write(s.formatStatusMarkdown(rows, (require('../../review/format') as typeof import('../../review/format')).escapeCell));
    else process.stdout.write(s.formatStatusText(rows));
  },
};
