/**
 * `helmflux adopt` as a library function: writes the tags Flux's image
 * automation committed into the output folder (the ones synth keeps: Flux
 * v1's commits, or the image-automation-controller's at the `$imagepolicy`
 * markers under Flux v2) back into the environment files, editing only those
 * string literals. All or nothing: when one cannot be edited safely, or an
 * edited file would not parse, validate or say the tag, nothing is written
 * and the problem says the exact change to make by hand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkEdit, type Intended } from '../edit/commit';
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
export function adopt(options: Pick<SynthOptions, 'environmentsDir' | 'cwd' | 'outDir' | 'environments' | 'flux'> = {}): Adopted[] {
  const report = check({ ...options, cache: true });
  const project = openProject(options);
  const byFile = new Map<string, { file: string; edits: { start: number; end: number; text: string }[]; adopted: Adopted[]; intended: Intended[] }>();
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
    const entry = byFile.get(full) ?? { file: k.source, edits: [], adopted: [], intended: [] };
    entry.edits.push(target);
    entry.adopted.push({ file: k.source, field, from: k.defined, to: k.value });
    entry.intended.push({ release: k.name, path: k.path.slice(1), value: k.value, field });
    byFile.set(full, entry);
  }
  if (problems.length > 0) throw new InputError(problems);
  // Every file checked before any is written: all or nothing.
  const edited = [...byFile].map(([full, entry]) => ({ full, entry, after: applyEdits(fs.readFileSync(full, 'utf8'), entry.edits) }));
  for (const { full, entry, after } of edited) checkEdit(project, entry.file, full, after, entry.intended);
  for (const { full, after } of edited) writeAtomically(full, after);
  return edited.flatMap((e) => e.entry.adopted);
}
