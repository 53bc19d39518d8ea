import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../main';

export const listCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'list',
  describe: 'Show every environment with its namespace, releases and chart sources',
  handler: (args) => {
    const { list, formatTable } = require('../../commands/list') as typeof import('../../commands/list');
    process.stdout.write(formatTable(list({ environmentsDir: args.environments })));
  },
};
