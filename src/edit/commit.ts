/**
 * The last step of every edit of an environment file (`adopt`, `promote`):
 * the edited text is parsed again, then loaded and validated in memory as
 * synth would, and each value the edit meant to set is looked up in the
 * edited definition (a later `...spread` or a computed value can override a
 * literal). Only then may the caller replace the file (atomically);
 * otherwise nothing is written and the problems say why (exit 2).
 */
import * as path from 'node:path';
import type * as TS from 'typescript';
import { validateEnvironments } from '../definition/validate';
import type { Project } from '../engine/pipeline';
import { loadEnvironments } from '../load/loader';
import { InputError, type Problem } from '../problems';

/** A value an edit means to set: under the release named `release`, at `path` (`['values', 'image', 'tag']`). */
export interface Intended {
  readonly release: string;
  readonly path: readonly string[];
  readonly value: unknown;
  /** The field as messages name it. */
  readonly field: string;
}

/** Checks an edited environment file's text (`full`: absolute; `file`: as shown) before it replaces the file. Throws an InputError when the edit is not what it meant. */
export function checkEdit(project: Project, file: string, full: string, after: string, intended: readonly Intended[]): void {
  const fix = (what: string) => `Nothing was written. ${what}`;
  const syntax = syntaxErrors(after, full);
  if (syntax.length > 0) {
    throw new InputError([{ file, field: '(file)', message: `the edit would not parse (${syntax[0]})`, fix: fix('Make the change by hand; this is a bug in helmflux worth reporting.') }]);
  }
  const fileName = path.basename(full);
  const loaded = loadEnvironments({
    dir: path.dirname(full),
    displayDir: path.dirname(file),
    fileNames: [fileName],
    settings: project.settings.settings,
    sources: new Map([[full, after]]),
  });
  const checked = validateEnvironments(loaded.environments, project.settings.settings);
  const problems: Problem[] = [...loaded.problems, ...checked.problems].map((p) => ({ ...p, message: `after the edit: ${p.message}`, fix: fix(p.fix) }));
  if (problems.length > 0) throw new InputError(problems);
  const definition = checked.valid[0].definition;
  for (const want of intended) {
    const release = (definition.releases ?? []).find((r) => r.name === want.release);
    const got = want.path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), release);
    if (JSON.stringify(got) !== JSON.stringify(want.value)) {
      problems.push({
        file,
        field: want.field,
        message: `the edit does not take effect: the file's definition gives ${JSON.stringify(got) ?? 'nothing'} there, not ${JSON.stringify(want.value)} (a spread, a computed value or a later key overrides the literal)`,
        fix: fix(`Set it to ${JSON.stringify(want.value)} by hand where the value really comes from.`),
      });
    }
  }
  if (problems.length > 0) throw new InputError(problems);
}

/** The syntax errors of a TypeScript text (no type check). */
function syntaxErrors(text: string, fileName: string): string[] {
  const ts = require('typescript') as typeof TS;
  const out = ts.transpileModule(text, { fileName, reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
  return (out.diagnostics ?? []).map((d) => {
    const where = d.file && d.start !== undefined ? `line ${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, ' ');
  });
}
