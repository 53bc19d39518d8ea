import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { FLUX_OPTION, type GlobalArgs } from '../args';
import { ExitWith, EXIT, runAsync } from '../exit';
import { count, say } from '../output';

interface RenderArgs extends GlobalArgs {
  flux?: 'v1' | 'v2';
  env?: string[];
  release?: string;
  out?: string;
  format: 'yaml' | 'json';
  'write-to'?: string;
  cache: boolean;
}

export const renderCommand: CommandModule<GlobalArgs, RenderArgs> = {
  command: 'render',
  describe: "Render each HelmRelease of dist/ through its pulled chart with real Helm (helm template): the objects the cluster will run. Writes nothing to dist/",
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('flux', FLUX_OPTION)
      .option('env', { type: 'string', array: true, requiresArg: true, describe: "Only this environment's releases (repeatable)" })
      .option('release', { type: 'string', requiresArg: true, describe: 'Only the HelmRelease of this name' })
      .option('out', { type: 'string', requiresArg: true, describe: 'The output folder whose HelmReleases are rendered', defaultDescription: 'dist' })
      .option('format', { choices: ['yaml', 'json'] as const, default: 'yaml' as const, describe: 'yaml: a YAML stream, each object preceded by where it comes from; json: { "objects": [ { environment, release, file, object } ] }' })
      .option('write-to', { type: 'string', requiresArg: true, describe: 'Write one file per release (<environment>/<release>.yaml or .json) into this folder instead of stdout' })
      .option('cache', { type: 'boolean', default: true, describe: 'Reuse renders of releases whose chart, values, names and versions are unchanged (--no-cache: run Helm for every release)' })
      .example('$0 chart pull && $0 render --env dev', "dev's objects, as Helm renders them for kubernetesVersion")
      .example('$0 render --format json --release helmbasic-production', 'one release, for tools'),
  handler: (args) =>
    runAsync(async () => {
      const { render } = require('../../commands/render') as typeof import('../../commands/render');
      const { formatRendered } = require('../../render/format') as typeof import('../../render/format');
      const result = await render({ environmentsDir: args.environments, flux: args.flux, outDir: args.out, environments: args.env, release: args.release, cache: args.cache });
      for (const p of result.problems) process.stderr.write(`${p.file}: ${p.release}: ${p.warning ? 'warning: ' : ''}${p.message}. ${p.fix}\n`);
      if (args['write-to'] !== undefined) {
        const dir = path.resolve(args['write-to']);
        const groups = new Map<string, typeof result.objects>();
        for (const o of result.objects) {
          const name = `${o.environment}/${o.release.split('/')[1]}`;
          groups.set(name, [...(groups.get(name) ?? []), o]);
        }
        for (const [name, objects] of groups) {
          const file = path.join(dir, `${name}.${args.format}`);
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, formatRendered(objects, args.format));
          say(`wrote ${path.relative(process.cwd(), file) || file}`);
        }
      } else process.stdout.write(formatRendered(result.objects, args.format));
      const failed = result.releases - result.rendered.size;
      process.stderr.write(`${count(result.rendered.size, 'release')} rendered with Helm ${result.helm} for Kubernetes ${result.kubernetesVersion} (${result.ran} ran Helm, ${result.cached} from the cache)${failed > 0 ? `, ${failed} not` : ''}: ${count(result.objects.length, 'object')}\n`);
      // A release that does not render is invalid input (exit 2); the others were still printed.
      if (result.problems.some((p) => !p.warning)) throw new ExitWith(EXIT.invalid);
    }),
};
