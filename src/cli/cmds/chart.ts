import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../args';
import { runAsync } from '../exit';
import { say } from '../output';
import { progressReporter } from '../progress';

interface ImportArgs extends GlobalArgs {
  chart: string;
  name?: string;
  git?: string;
  path?: string;
  repository?: string;
  'replace-schema'?: boolean;
}

interface TypesArgs extends GlobalArgs {
  names?: string[];
}

const importCommand: CommandModule<GlobalArgs, ImportArgs> = {
  command: 'import <chart>',
  describe: "Import a chart's values schema (its values.schema.json, or one inferred from values.yaml) and generate its TypeScript types into common/charts/<name>/",
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .positional('chart', { type: 'string', demandOption: true, describe: 'A chart folder (holding Chart.yaml) or a packaged chart (.tgz)' })
      .option('name', { type: 'string', requiresArg: true, describe: "The chart's name in this repository", defaultDescription: "the name in its Chart.yaml" })
      .option('git', { type: 'string', requiresArg: true, describe: 'The git repository Flux clones the chart from', defaultDescription: "the folder's origin remote (the settings' chartsGitUrl when it is that one)" })
      .option('path', { type: 'string', requiresArg: true, describe: "The chart's folder in that repository", defaultDescription: "the folder's path from its git work tree's root" })
      .option('repository', { type: 'string', requiresArg: true, describe: 'For a packaged chart (.tgz): the Helm repository serving it (a release\'s ref is then the chart version)' })
      .option('replace-schema', { type: 'boolean', describe: 'Replace the committed values.schema.json (yours, once written) with the chart\'s own or a new inferred one' })
      .example('$0 chart import ../charts/helmbasics --name helmbasics', 'then: helmbasics.release({ ... }) in an environment, with typed values')
      .example('$0 chart import redis-10.5.7.tgz --repository https://charts.bitnami.com/bitnami', 'a chart of a Helm repository'),
  handler: (args) =>
    runAsync(async () => {
      const { chartImport } = require('../../commands/chart-import') as typeof import('../../commands/chart-import');
      const report = await chartImport({ source: args.chart, name: args.name, replaceSchema: args['replace-schema'], git: args.git, path: args.path, repository: args.repository, progress: progressReporter() });
      const from = { chart: "the chart's values.schema.json", inferred: 'inferred from values.yaml', kept: 'kept yours (--replace-schema to replace it)' }[report.schema];
      say(`imported chart ${report.name}: schema ${from}`);
      for (const file of report.written) say(`wrote ${file}`);
      for (const file of report.kept) say(`kept ${file}`);
    }),
};

const typesCommand: CommandModule<GlobalArgs, TypesArgs> = {
  command: 'types [names..]',
  describe: "Regenerate the TypeScript types (values.ts) of imported charts from their committed values.schema.json",
  builder: (yargs: Argv<GlobalArgs>) => yargs.positional('names', { type: 'string', array: true, describe: 'Charts to regenerate', defaultDescription: 'every chart in common/charts/' }),
  handler: (args) =>
    runAsync(async () => {
      const { chartTypes } = require('../../commands/chart-import') as typeof import('../../commands/chart-import');
      const written = await chartTypes({ names: args.names });
      say(written.length === 0 ? 'no imported charts in common/charts/' : written.map((f) => `generated ${f}`).join('\n'));
    }),
};

interface PullArgs extends GlobalArgs {
  env?: string[];
  update: boolean;
}

const pullCommand: CommandModule<GlobalArgs, PullArgs> = {
  command: 'pull',
  describe: 'Fetch every chart source the environments use into vendor/charts/ and record what was fetched in vendor/charts.lock.json (git sources with your git; Helm repositories over HTTP(S)); render, validate --rendered and diff then run offline',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('env', { type: 'string', array: true, requiresArg: true, describe: "Only this environment's chart sources (repeatable); the lock keeps the others" })
      .option('update', { type: 'boolean', default: false, describe: 'Fetch sources already locked again: move each to what its ref (branch tip) or version gives now' })
      .example('$0 chart pull', 'vendor what the environments use; a source already locked stays at its locked commit')
      .example('$0 chart pull --update', 'move every source to its branch tip, for review'),
  handler: (args) =>
    runAsync(async () => {
      const { chartPull } = require('../../commands/render') as typeof import('../../commands/render');
      const report = await chartPull({ environmentsDir: args.environments, environments: args.env, update: args.update, progress: progressReporter() });
      for (const entry of report.fetched) say(`pulled ${entry.folder}${entry.commit ? ` (commit ${entry.commit.slice(0, 12)})` : ''}`);
      for (const entry of report.kept) say(`kept ${entry.folder} as locked${entry.commit ? ` (commit ${entry.commit.slice(0, 12)}; --update to move it)` : ''}`);
      for (const folder of report.removed) say(`removed ${folder} (no environment uses it)`);
    }),
};

export const chartCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'chart <command>',
  describe: 'Import charts (typed, checked values), and pull the charts the environments use for rendering',
  builder: (yargs: Argv<GlobalArgs>) => yargs.command(importCommand).command(typesCommand).command(pullCommand).demandCommand(1, 'Name a chart command: import, types or pull.'),
  handler: () => undefined,
};
