/**
 * The helmflux command line: parses flags, calls the library, maps outcomes
 * to exit codes. The only `process.exit` is in bin/helmflux.js.
 */
import * as path from 'node:path';
import type yargsType from 'yargs/yargs';
import { InputError } from '../problems';
import { adoptCommand } from './cmds/adopt';
import { chartCommand } from './cmds/chart';
import { checkCommand } from './cmds/check';
import { DIFF_DEFAULTS, diffCommand } from './cmds/diff';
import { explainCommand } from './cmds/explain';
import { listCommand } from './cmds/list';
import { promoteCommand } from './cmds/promote';
import { renderCommand } from './cmds/render';
import { statusCommand } from './cmds/status';
import { SYNTH_DEFAULTS, synthCommand } from './cmds/synth';
import { validateCommand } from './cmds/validate';
import { ExitWith, EXIT, lifetime } from './exit';
import { count } from './output';

export { EXIT } from './exit';

class UsageError extends Error {}

/** This installation's version, from its package.json (this file is lib/src/cli/main.js). */
function helmfluxVersion(): string {
  return (require(path.join(__dirname, '..', '..', '..', 'package.json')) as { version: string }).version;
}

/**
 * Runs the CLI with the given arguments; returns the exit code, or null when the command keeps running (`synth --watch`).
 *
 * `helmflux synth` or `helmflux diff` with no option at all (what `npm run
 * synth` runs after each edit, and a quick look before committing) calls its
 * handler with the options' defaults without loading yargs (about 30 ms of a
 * 200 ms run); any option, `--help` included, goes through yargs.
 */
export function main(argv: readonly string[]): number | null {
  try {
    if (argv.length === 1 && (argv[0] === 'synth' || argv[0] === 'diff')) {
      const bare = { _: [argv[0]], $0: 'helmflux' };
      if (argv[0] === 'synth') synthCommand.handler({ ...bare, ...SYNTH_DEFAULTS });
      else diffCommand.handler({ ...bare, ...DIFF_DEFAULTS });
      return lifetime.stayUp ? null : EXIT.ok;
    }
    const yargs = require('yargs/yargs') as typeof yargsType;
    yargs([...argv])
      .scriptName('helmflux')
      .usage(
        '$0 <command> [options]\n\nCompile the typed environments in environments/*.ts (with the settings in helmflux.settings.ts) into Flux manifests in dist/: Flux v1 (the Helm operator) by default, Flux v2 with flux: \'v2\' in the settings or --flux v2.',
      )
      .option('environments', {
        type: 'string',
        global: true,
        describe: 'Folder of environment files: every *.ts file in it is one environment',
        defaultDescription: 'environments',
        requiresArg: true,
      })
      .command(synthCommand)
      .command(checkCommand)
      .command(diffCommand)
      .command(validateCommand)
      .command(renderCommand)
      .command(listCommand)
      .command(statusCommand)
      .command(explainCommand)
      .command(adoptCommand)
      .command(promoteCommand)
      .command(chartCommand)
      .demandCommand(1, 'Name a command: synth, check, diff, validate, render, list, status, explain, adopt, promote or chart.')
      .recommendCommands()
      .strict()
      .help()
      .alias('h', 'help')
      .version('version', 'Show the helmflux version', helmfluxVersion())
      .wrap(null)
      .epilogue(
        'Exit codes: 0 success; 1 drift (check: dist/ out of date; diff: something differs); 2 invalid input or usage (nothing written); 3 internal error.',
      )
      .fail((message, error) => {
        // yargs reports its own parsing errors as YError: those are usage errors too.
        if (error && error.name !== 'YError') throw error;
        throw new UsageError(message ?? error?.message);
      })
      .parseSync();
    return lifetime.stayUp ? null : EXIT.ok;
  } catch (err) {
    return exitCodeFor(err, READ_ONLY.includes(argv[0]));
  }
}

/** Commands that never write: their problems do not speak of writing. */
const READ_ONLY: readonly (string | undefined)[] = ['check', 'diff', 'validate', 'list', 'status', 'explain'];

/**
 * The exit code of a command that finishes later (`chart import`): main()
 * returned null, and bin/helmflux.js exits with this once it settles.
 */
export function whenDone(): Promise<number> | undefined {
  return lifetime.done?.then(
    () => EXIT.ok,
    (err: unknown) => exitCodeFor(err),
  );
}

/** Says what went wrong and returns the exit code for it (`readOnly`: the command writes nothing anyway). */
function exitCodeFor(err: unknown, readOnly = false): number {
  if (err instanceof ExitWith) return err.code;
  if (err instanceof InputError) {
    process.stderr.write(err.message + '\n');
    process.stderr.write(`helmflux: ${count(err.problems.length, 'problem')}${readOnly ? '' : '; nothing was written'}.\n`);
    return EXIT.invalid;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`helmflux: ${err.message}\nRun \`helmflux --help\` for the commands and options.\n`);
    return EXIT.invalid;
  }
  process.stderr.write(`helmflux: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.stderr.write('This is a bug in helmflux: please report it with the command you ran.\n');
  return EXIT.internal;
}
