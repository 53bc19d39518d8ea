import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../args';
import { sayJson } from '../output';

interface ListArgs extends GlobalArgs {
  json: boolean;
}

export const listCommand: CommandModule<GlobalArgs, ListArgs> = {
  command: 'list',
  describe: 'Show every environment with its namespace, releases, chart sources and how their values are checked',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs.option('json', {
      type: 'boolean',
      default: false,
      describe: 'Print one JSON document: an array of { environment, namespace, release, helmRelease, chart, values } (chart: { git, path, ref } or { repository, name, version }; values: "chart <name>" when checked against an imported chart\'s schema, else "unchecked"; release, helmRelease, chart and values are null for an environment without releases)',
    }),
  handler: (args) => {
    const { list, formatTable } = require('../../commands/list') as typeof import('../../commands/list');
    const rows = list({ environmentsDir: args.environments });
    if (args.json) sayJson(rows.map((r) => (r.release === '-' ? { ...r, release: null, helmRelease: null, chart: null, values: null } : r)));
    else process.stdout.write(formatTable(rows));
  },
};
