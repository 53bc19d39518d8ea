/**
 * `helmflux adopt` as a library function: writes the tags Flux's image
 * automation committed into dist/ (the ones synth keeps) back into the
 * environment files, editing only those string literals. All or nothing:
 * when one cannot be edited safely, nothing is written and the problem says
 * the exact change to make by hand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits, findLiteral, type DefinitionPath } from '../edit/literals';
import { openProject } from '../engine/pipeline';
import { writeAtomically } from '../output/writer';
import { fieldPath, InputError, type Problem } from '../problems';
import { check, type SynthOptions } from './synth';

export interface Adopted {
  /** The environment file, as the project shows it. */
  readonly file: string;
  /** The field, e.g. `releases[helmbasic-develop].values.image.tag`. */
  readonly field: string;
  readonly from: unknown;
  readonly to: string;
}

/** Writes the kept tags into the environment files; returns what it changed. Throws an InputError (writing nothing) when it cannot. */
export function adopt(options: Pick<SynthOptions, 'environmentsDir' | 'cwd' | 'outDir' | 'environments'> = {}): Adopted[] {
  const report = check({ ...options, cache: true });
  const project = openProject(options);
  const byFile = new Map<string, { edits: { start: number; end: number; text: string }[]; adopted: Adopted[] }>();
  const problems: Problem[] = [];
  for (const k of report.kept) {
    const definitionPath: DefinitionPath = ['releases', { release: k.name }, ...k.path.slice(1)];
    const field = definitionPath.reduce<string>((text, step) => (typeof step === 'string' ? fieldPath(text, step) : `${text}[${JSON.stringify(step.release)}]`), '');
    const full = path.join(project.root, k.source);
    const source = fs.readFileSync(full, 'utf8');
    const target = findLiteral(source, full, definitionPath, k.value);
    if ('reason' in target) {
      problems.push({
        file: k.source,
        field,
        message: `cannot be edited safely: ${target.reason}`,
        fix: `Set it to ${JSON.stringify(k.value)} by hand (Flux's image automation committed that tag to ${report.outDir}/${k.file}), then run synth.`,
      });
      continue;
    }
    const entry = byFile.get(full) ?? { edits: [], adopted: [] };
    entry.edits.push(target);
    entry.adopted.push({ file: k.source, field, from: k.defined, to: k.value });
    byFile.set(full, entry);
  }
  if (problems.length > 0) throw new InputError(problems);
  for (const [file, { edits }] of byFile) writeAtomically(file, applyEdits(fs.readFileSync(file, 'utf8'), edits));
  return [...byFile.values()].flatMap((e) => e.adopted);
}
