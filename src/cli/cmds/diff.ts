import type { Argv, CommandModule } from 'yargs';
import { FLUX_OPTION, type GlobalArgs } from '../args';
import { ExitWith, EXIT, runAsync } from '../exit';
import { progressReporter } from '../progress';

interface DiffArgs extends GlobalArgs {
  flux?: 'v1' | 'v2';
  base?: string;
  env?: string[];
  out?: string;
  format: 'text' | 'markdown' | 'json';
  unified: boolean;
  color: 'auto' | 'always' | 'never';
}

/** The options' defaults (also what `helmflux diff` alone runs with: `cli/main.ts`). */
export const DIFF_DEFAULTS = { format: 'text', unified: false, color: 'auto' } as const;

export const diffCommand: CommandModule<GlobalArgs, DiffArgs> = {
  command: 'diff',
  describe: 'Show what synth would change, object by object and field by field, and what Flux will do (exit 1 when anything differs), writing nothing',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('flux', FLUX_OPTION)
      .option('base', {
        type: 'string',
        describe: 'Compare with dist/ as committed at this git ref (branch, tag or commit) instead of dist/ on disk',
        requiresArg: true,
      })
      .option('env', { type: 'string', array: true, describe: 'Only this environment\'s files (repeatable)', requiresArg: true })
      .option('out', { type: 'string', describe: 'Output folder', defaultDescription: 'dist', requiresArg: true })
      .option('format', { choices: ['text', 'markdown', 'json'] as const, default: DIFF_DEFAULTS.format, describe: 'text for a terminal, markdown for a PR comment, json for tools' })
      .option('unified', {
        type: 'boolean',
        default: DIFF_DEFAULTS.unified,
        describe: 'Print a unified diff (git-style a/ b/ paths, @@ hunks, line numbers of the files as written) on stdout, the report on stderr; secrets are shown as (masked), so the patch is for reading, not for git apply',
      })
      .option('color', { choices: ['auto', 'always', 'never'] as const, default: DIFF_DEFAULTS.color, describe: 'Colour text output (auto: on a terminal, unless NO_COLOR is set)' })
      .example('$0 diff', 'what npm run synth would change in dist/, and what Flux will do')
      .example('$0 diff --base origin/main --format markdown', 'a pull request\'s effect, as a comment (even when its author forgot to run synth)'),
  handler: (args) => {
    const { diff } = require('../../commands/diff') as typeof import('../../commands/diff');
    const format = require('../../review/format') as typeof import('../../review/format');
    const report = diff({ environmentsDir: args.environments, flux: args.flux, outDir: args.out, environments: args.env, base: args.base, progress: progressReporter() });
    // What each change does to the rendered objects, where charts are pulled (src/render/).
    const print = (rendered: import('../../render/review').RenderedSection) => {
      const color = args.format === 'text' && (args.color === 'always' || (args.color === 'auto' && process.stdout.isTTY === true && !process.env.NO_COLOR));
      const { review, outDir, against } = report;
      const tags = { kept: report.kept, changed: report.changed };
      // Text with --unified: the patch alone on stdout (for a pager or a patch reader), the report on stderr.
      const patch = args.unified && args.format !== 'json' ? (require('../../review/unified') as typeof import('../../review/unified')).formatPatch(report.files.before, report.files.after, outDir, format.colors(color && args.format === 'text')) : '';
      if (args.format === 'json') process.stdout.write(format.formatJson(review, outDir, against, tags, rendered));
      else if (args.format === 'markdown') {
        process.stdout.write(format.formatMarkdown(review, outDir, against, format.MARKDOWN_LIMIT, tags, rendered));
        // The version matrix of the environments the change touches, changed cells marked (`helmflux status`).
        const { statusChangeMarkdown, statusRows } = require('../../commands/status') as typeof import('../../commands/status');
        const touched = new Set(review.changes.map((c) => c.environment).filter((e) => e !== '' && e !== '*'));
        const matrix = touched.size === 0 ? '' : statusChangeMarkdown(statusRows(report.files.before, outDir).rows, statusRows(report.files.after, outDir).rows, touched, format.escapeCell);
        if (matrix !== '') process.stdout.write(`\n${matrix}`);
        if (patch !== '') process.stdout.write('\n<details><summary>unified diff</summary>\n\n```diff\n' + patch + '```\n\n</details>\n');
      } else if (args.unified) {
        process.stderr.write(format.formatText(review, outDir, against, color && process.stderr.isTTY === true, tags, rendered));
        process.stdout.write(patch);
      } else process.stdout.write(format.formatText(review, outDir, against, color, tags, rendered));
      // A file that does not parse differs too: Flux cannot apply it.
      const differs = review.changes.length + review.addedFiles.length + review.removedFiles.length + review.reformatted.length + review.unreadable.length > 0;
      if (differs) throw new ExitWith(EXIT.drift);
    };
    // Most projects pull no charts: then the chart stage is not even loaded (diff's nothing-changed time is a bench target).
    const { NO_CHARTS_PULLED, hasLock } = require('../../render/vendor') as typeof import('../../render/vendor');
    const { findProjectRoot } = require('../../load/project') as typeof import('../../load/project');
    if (!hasLock(findProjectRoot(process.cwd(), args.environments))) {
      print({ byRelease: new Map(), rendered: new Set(), problems: [], failures: [], unavailable: NO_CHARTS_PULLED });
      return;
    }
    runAsync(async () => {
      const { renderedSection } = require('../../commands/render') as typeof import('../../commands/render');
      print(await renderedSection({ environmentsDir: args.environments, flux: args.flux }, report.files));
    });
  },
};
