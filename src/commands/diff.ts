/**
 * `helmflux diff` as a library function: what synth would write (rendered in
 * memory, the same pure rendering) against the output folder as it is on
 * disk, or as committed at a git ref (`base`), object by object and field by
 * field, with what Flux will do about each change. Writes nothing; never
 * touches git's working tree or index.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { availableParallelism } from 'node:os';
import { SynthCache } from '../engine/cache';
import { openProject, selectEnvironments, synthesize } from '../engine/pipeline';
import { resolvePlace, DEFAULT_OUT_DIR, type ProjectOptions } from '../load/project';
import { environmentOfPath, isGeneratedPath, isManifestName } from '../output/layout';
import { manifestFiles } from '../output/writer';
import { InputError } from '../problems';
import { review, type Review } from '../review/diff';
import type { KeptValue, TagChange } from '../images/intent';
import { targetOf } from '../targets/target';

export interface DiffOptions extends ProjectOptions {
  /**
   * Compare with the output folder as committed at this git ref (branch, tag, commit).
   * @default - the output folder as it is on disk
   */
  readonly base?: string;
  /** Only these environments' files. @default - every file */
  readonly environments?: readonly string[];
  /** The output folder, relative to `cwd`. @default - `dist/` of the project root */
  readonly outDir?: string;
  /** Reuse what unchanged environments rendered to last time. @default true */
  readonly cache?: boolean;
  /** Threads for loading and rendering. @default - the number of CPUs, at most 4 */
  readonly threads?: number;
  /** Receives a line per phase of long work. @default - lines are dropped */
  readonly progress?: (line: string) => void;
}

export interface DiffReport {
  readonly review: Review;
  /** Tags Flux's image automation committed into dist/, which synth keeps (so they are no difference). */
  readonly kept: readonly KeptValue[];
  /** Tags dist/ holds that synth replaces with the definition's (the user's edit, or refused by the filter), and what Flux does next. */
  readonly changed: readonly TagChange[];
  /** The output folder as shown to the user. */
  readonly outDir: string;
  /** What was compared against: `dist/ on disk` or `dist/ at <ref>`. */
  readonly against: string;
  /** The files compared (relative path -> text): the output folder before, and what synth would make of it (for `--unified`). */
  readonly files: { readonly before: ReadonlyMap<string, string>; readonly after: ReadonlyMap<string, string> };
}

/** Compares what synth would write with the output folder (on disk, or at `base`). Throws an InputError on bad input. */
export function diff(options: DiffOptions = {}): DiffReport {
  const project = openProject(options);
  const resolved = resolvePlace(project.root, project.cwd, options.outDir, DEFAULT_OUT_DIR);
  const outDisplay = options.outDir === undefined ? resolved.display : options.outDir.replace(/(.)\/+$/, '$1');
  const cache = options.cache === false ? undefined : SynthCache.open(project.root, project.environments.dir, project.environments.display, project.settings.key);
  const synthesis = synthesize(project, { cache, threads: options.threads ?? Math.min(availableParallelism(), 4), progress: options.progress });
  const onDisk = readFolder(resolved.dir);
  const before = options.base === undefined ? onDisk : readGitFolder(project.root, resolved.dir, options.base);
  // An environment whose file was deleted is still one to diff: its files are what it removes.
  const gone = [...before.keys()].filter((f) => isGeneratedPath(f) && environmentOfPath(f) !== '').map(environmentOfPath);
  const scope = selectEnvironments([...synthesis.environments.map((e) => e.name), ...gone], options.environments);
  // After synth: what it writes, and the other files it leaves where they are.
  // Tags Flux's image automation committed into dist/ (on disk) stay, as synth keeps them.
  const target = targetOf(project.settings.settings);
  const automated = new Map([...onDisk].filter(([file, text]) => target.rewritable(file, text)));
  const { files: rendered, kept, changed } = target.keep(synthesis.files, automated);
  const after = new Map<string, string>();
  for (const file of rendered) after.set(file.path, file.text);
  for (const [file, text] of onDisk) if (!isGeneratedPath(file)) after.set(file, text);
  const inScope = (file: string) => scope === undefined || (isGeneratedPath(file) && scope.has(environmentOfPath(file)));
  const pick = (files: ReadonlyMap<string, string>) => new Map([...files].filter(([file]) => inScope(file)));
  const files = { before: pick(before), after: pick(after) };
  return {
    kept: kept.filter((k) => inScope(k.file)),
    changed: changed.filter((c) => inScope(c.file)),
    files,
    review: review(files.before, files.after, target.effects),
    outDir: outDisplay,
    against: options.base === undefined ? `${outDisplay}/ on disk` : `${outDisplay}/ at ${options.base}`,
  };
}

/** Every manifest file of a folder on disk (relative path -> text); none when it does not exist. */
export function readFolder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of manifestFiles(dir)) {
    const full = path.join(dir, file);
    if (fs.lstatSync(full).isFile()) files.set(file, fs.readFileSync(full, 'utf8'));
  }
  return files;
}

function git(cwd: string, args: readonly string[], input?: string): { status: number | null; stdout: Buffer; stderr: string } {
  const result = spawnSync('git', args, { cwd, input, maxBuffer: 1 << 30, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
  if (result.error) {
    throw new InputError([{ file: '--base', field: '(git)', message: `cannot run git (${(result.error as NodeJS.ErrnoException).code ?? result.error.message})`, fix: 'Install git, or run diff without --base.' }]);
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

/** Every manifest file of a folder as committed at `ref` (relative path -> text), read from git's object store. */
export function readGitFolder(projectRoot: string, dir: string, ref: string): Map<string, string> {
  const top = git(projectRoot, ['rev-parse', '--show-toplevel']);
  if (top.status !== 0) {
    throw new InputError([
      { file: '--base', field: JSON.stringify(ref), message: 'the project is not in a git repository', fix: 'Run diff without --base, or from a clone of the repository.' },
    ]);
  }
  const root = fs.realpathSync(top.stdout.toString('utf8').trim());
  const commit = git(projectRoot, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (commit.status !== 0) {
    throw new InputError([
      {
        file: '--base',
        field: JSON.stringify(ref),
        message: 'is not a commit of this repository',
        fix: 'Use a branch, tag or commit that exists here, e.g. HEAD or origin/main (in CI, fetch it first: actions/checkout with fetch-depth: 0).',
      },
    ]);
  }
  const sha = commit.stdout.toString('utf8').trim();
  let real = dir;
  while (!fs.existsSync(real)) real = path.dirname(real);
  const relative = path.relative(root, path.join(fs.realpathSync(real), path.relative(real, dir))).split(path.sep).join('/');
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new InputError([{ file: '--base', field: JSON.stringify(ref), message: 'the output folder is outside the git repository', fix: 'Point --out at a folder inside the repository.' }]);
  }
  const prefix = relative === '' ? '' : `${relative}/`;
  // From the top of the repository: ls-tree takes and gives paths relative to where it runs.
  // Regular files only (mode 100644 or 100755): a symbolic link's blob is its target's path, and synth never follows one.
  const listed = git(root, ['ls-tree', '-r', '-z', sha, '--', prefix === '' ? '.' : prefix]);
  const entries = listed.stdout
    .toString('utf8')
    .split('\0')
    .filter((line) => line !== '')
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, blob] = line.slice(0, tab).split(' ');
      return { mode, type, blob, name: line.slice(tab + 1) };
    })
    .filter((e) => e.type === 'blob' && (e.mode === '100644' || e.mode === '100755') && isManifestName(path.posix.basename(e.name)));
  const files = new Map<string, string>();
  if (entries.length === 0) return files;
  // One process for every file: `git cat-file --batch` answers "<sha> blob <size>\n<bytes>\n" per object id.
  const batch = git(root, ['cat-file', '--batch'], entries.map((e) => `${e.blob}\n`).join(''));
  const unreadable = () =>
    new InputError([{ file: '--base', field: JSON.stringify(ref), message: `git could not give the files of ${relative || '.'}/ at this commit (${batch.stderr.trim() || 'a missing object'})`, fix: 'Fetch the whole commit (not a partial clone), or run diff without --base.' }]);
  if (batch.status !== 0) throw unreadable();
  let at = 0;
  for (const entry of entries) {
    const end = batch.stdout.indexOf(0x0a, at);
    if (end < 0) throw unreadable();
    const header = batch.stdout.subarray(at, end).toString('utf8').split(' ');
    const size = Number(header[2]);
    if (header[0] !== entry.blob || header[1] !== 'blob' || !Number.isInteger(size)) throw unreadable();
    files.set(entry.name.slice(prefix.length), batch.stdout.subarray(end + 1, end + 1 + size).toString('utf8'));
    at = end + 1 + size + 1;
  }
  return files;
}
