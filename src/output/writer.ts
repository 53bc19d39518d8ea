/**
 * Writes rendered files into the output folder, owning exactly the files it
 * generated (those with the helmflux header, `layout.ts`):
 *
 * - a file whose bytes did not change is not touched (its mtime stays);
 * - each file is written to a temporary file in the same folder, whose name
 *   Flux never applies (`.<name>.<pid>.helmflux-tmp`), then renamed into
 *   place, so a reader (or a synth killed at any moment) sees the old or the
 *   new file, never a part; the next run removes temporary files left behind;
 * - a generated file that is no longer rendered (its environment or its
 *   releases are gone) is removed, after the new files are written: found by
 *   its header, so no merge can make helmflux forget it;
 * - a file in the way of a generated one that is not helmflux's (no header)
 *   is never overwritten: nothing is written, and the run fails (exit 2);
 * - any other YAML or JSON file in the output folder that helmflux did not
 *   generate is a stray: Flux applies it too. Synth leaves it alone and
 *   reports it; `check` fails on it.
 *
 * Every check happens in `planWrite`, before anything is written.
 */
import { compareCodePoints } from '../order';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, Problem } from '../problems';
import {
  environmentOfPath,
  GENERATED_FOLDERS,
  hasHelmfluxHeader,
  isGeneratedPath,
  isManifestName,
  LEGACY_RECORD_FILE,
  type RenderedFile,
} from './layout';

const TEMP_SUFFIX = '.helmflux-tmp';
/** Exactly the temporary files helmflux writes: `.<name>.<pid>.<8 hex>.helmflux-tmp`. */
const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.helmflux-tmp$/;
/** The lock a synth holds on its output folder while it writes (not a YAML or JSON name: Flux ignores it). */
export const LOCK_FILE = '.helmflux-lock';

export interface WriteOptions {
  /** The output folder (absolute). */
  readonly outDir: string;
  /** How the output folder is shown in messages, e.g. `dist`. */
  readonly displayOutDir: string;
  /** Every rendered file of the environments in scope. */
  readonly files: readonly RenderedFile[];
  /**
   * The environments whose files this run owns: their stale files are removed.
   * @default - all: every stale generated file is removed
   */
  readonly scope?: ReadonlySet<string>;
}

/** What a write will do, computed without writing. */
export interface WritePlan {
  readonly options: WriteOptions;
  /** Files to (re)write. */
  readonly writes: readonly RenderedFile[];
  /** Stale generated paths to remove, relative to the output folder. */
  readonly removals: readonly string[];
  /** YAML or JSON files helmflux did not generate, relative to the output folder: Flux applies them too. */
  readonly strays: readonly string[];
  /** How many rendered files are already up to date. */
  readonly unchanged: number;
  /** Whether the legacy record file is there, to be removed. */
  readonly legacyRecord: boolean;
  /** Leftover temporary files of an interrupted run (absolute paths). */
  readonly leftovers: readonly string[];
  /** Problems that forbid writing anything. */
  readonly problems: readonly Problem[];
}

/** Reads the output folder and decides what to write and remove. Writes nothing. */
export function planWrite(options: WriteOptions): WritePlan {
  const { outDir, displayOutDir } = options;
  const problems: Problem[] = [];
  const legacy = readLegacyRecord(outDir);
  const owned = (relative: string, text: string) => hasHelmfluxHeader(text) || legacy.paths.has(relative);
  const rendered = new Set(options.files.map((f) => f.path));
  const writes: RenderedFile[] = [];
  let unchanged = 0;
  // Every folder on the way to an output file is a real folder: a symbolic link would lead writes and removals elsewhere.
  for (const folder of GENERATED_FOLDERS) {
    const stat = fs.lstatSync(path.join(outDir, folder), { throwIfNoEntry: false });
    if (stat === undefined || stat.isDirectory()) continue;
    problems.push({
      file: `${displayOutDir}/${folder}`,
      field: '(folder)',
      message: stat.isSymbolicLink() ? 'is a symbolic link; helmflux writes only into real folders' : 'is not a folder',
      fix: `Make ${displayOutDir}/${folder} a plain folder (move what is there out of ${displayOutDir}/), then run synth again.`,
    });
  }
  const lockStat = fs.lstatSync(path.join(outDir, LOCK_FILE), { throwIfNoEntry: false });
  if (lockStat !== undefined && !lockStat.isFile()) {
    problems.push({
      file: `${displayOutDir}/${LOCK_FILE}`,
      field: '(lock)',
      message: "is not helmflux's lock file (it is not a regular file)",
      fix: `Remove it: helmflux creates ${displayOutDir}/${LOCK_FILE} while it writes, to keep two synths from writing at once.`,
    });
  }
  if (problems.length > 0) return { options, writes, removals: [], strays: [], unchanged, legacyRecord: false, leftovers: [], problems };
  for (const file of options.files) {
    const target = path.join(outDir, file.path);
    const stat = fs.lstatSync(target, { throwIfNoEntry: false });
    if (stat === undefined) {
      writes.push(file);
      continue;
    }
    if (!stat.isFile()) {
      problems.push(foreign(displayOutDir, file.path, stat.isSymbolicLink() ? 'is a symbolic link' : 'is not a regular file'));
      continue;
    }
    const current = fs.readFileSync(target, 'utf8');
    if (!owned(file.path, current)) {
      problems.push(foreign(displayOutDir, file.path, 'exists and was not generated by helmflux (it has no helmflux header)'));
      continue;
    }
    if (current === file.text) unchanged++;
    else writes.push(file);
  }
  const removals: string[] = [];
  const strays: string[] = [];
  for (const relative of manifestFiles(outDir)) {
    if (rendered.has(relative)) continue;
    const full = path.join(outDir, relative);
    const isFile = fs.lstatSync(full).isFile();
    if (isFile && isGeneratedPath(relative) && owned(relative, fs.readFileSync(full, 'utf8'))) {
      const environment = environmentOfPath(relative);
      // A project file belongs to every environment: always in scope.
      if (options.scope === undefined || environment === '' || options.scope.has(environment)) removals.push(relative);
    } else {
      strays.push(relative);
    }
  }
  return { options, writes, removals, strays, unchanged, legacyRecord: legacy.exists, leftovers: findLeftovers(outDir), problems };
}

function foreign(displayOutDir: string, file: string, what: string): Problem {
  return {
    file: `${displayOutDir}/${file}`,
    field: '(file)',
    message: `${what}; helmflux will not overwrite it`,
    fix: `Move it out of ${displayOutDir}/ (helmflux writes ${displayOutDir}/namespaces/<env>.yaml and ${displayOutDir}/releases/<env>.yaml), or delete it if the generated file should take its place.`,
  };
}

/**
 * Carries out a plan, logging each file written or removed. Holds the output
 * folder's lock meanwhile: a second synth writing the same folder stops with
 * a problem instead of interleaving with this one.
 */
export function applyPlan(plan: WritePlan, log: (line: string) => void): void {
  const { outDir, displayOutDir } = plan.options;
  fs.mkdirSync(outDir, { recursive: true });
  const release = lock(outDir, displayOutDir);
  try {
    write(plan, log);
  } finally {
    release();
  }
}

function write(plan: WritePlan, log: (line: string) => void): void {
  const { outDir, displayOutDir } = plan.options;
  for (const leftover of plan.leftovers) fs.rmSync(leftover, { force: true });
  for (const dir of new Set([outDir, ...plan.writes.map((f) => path.dirname(path.join(outDir, f.path)))])) {
    fs.mkdirSync(dir, { recursive: true });
  }
  // New files first: a run killed midway leaves every environment with a file, old or new.
  for (const file of plan.writes) {
    writeAtomically(path.join(outDir, file.path), file.text);
    log(`wrote ${displayOutDir}/${file.path}`);
  }
  for (const removal of plan.removals) {
    fs.rmSync(path.join(outDir, removal), { force: true });
    log(`removed ${displayOutDir}/${removal}`);
  }
  // Last: until now it still vouched for files that Flux rewrote without the old header.
  if (plan.legacyRecord) {
    fs.rmSync(path.join(outDir, LEGACY_RECORD_FILE), { force: true });
    log(`removed ${displayOutDir}/${LEGACY_RECORD_FILE} (no longer used: helmflux knows its files by their header)`);
  }
}

/**
 * The legacy record's paths. Read leniently, since a merge may have left it
 * with conflict markers or CRLF line endings: only lines naming a path
 * helmflux generates count, and the file is removed by the next synth.
 */
function readLegacyRecord(outDir: string): { exists: boolean; paths: ReadonlySet<string> } {
  const file = path.join(outDir, LEGACY_RECORD_FILE);
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (stat === undefined || !stat.isFile()) return { exists: false, paths: new Set() };
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim());
  return { exists: true, paths: new Set(lines.filter(isGeneratedPath)) };
}

/**
 * Every file under the output folder that Flux would apply (`*.yaml`,
 * `*.yml`, `*.json`, at any depth), relative POSIX paths in code point order.
 * Symbolic links are listed, never followed.
 */
export function manifestFiles(outDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, prefix: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const relative = prefix + e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), relative + '/');
      else if (isManifestName(e.name)) found.push(relative);
    }
  };
  walk(outDir, '');
  return found.sort(compareCodePoints);
}

/**
 * Takes the output folder's lock (a file created exclusively, holding the
 * pid); returns the function that releases it. A lock whose process is gone
 * (a synth that was killed) is taken over.
 */
function lock(outDir: string, displayOutDir: string): () => void {
  const file = path.join(outDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw lockProblem(displayOutDir, err);
    }
    let holder = NaN;
    try {
      if (!fs.lstatSync(file).isFile()) throw lockProblem(displayOutDir, new Error('not a regular file'));
      holder = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    } catch (err) {
      if (err instanceof InputError) throw err;
      // Unreadable, or gone meanwhile: treat as stale.
    }
    if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
      throw new InputError([
        {
          file: `${displayOutDir}/${LOCK_FILE}`,
          field: '(lock)',
          message: `another helmflux (pid ${holder}) is writing ${displayOutDir}/ right now`,
          fix: 'Wait for it to finish, then run synth again (only one synth may write a folder at a time).',
        },
      ]);
    }
    fs.rmSync(file, { force: true }); // left by a synth that was killed
  }
}

function lockProblem(displayOutDir: string, err: unknown): InputError {
  return new InputError([
    {
      file: `${displayOutDir}/${LOCK_FILE}`,
      field: '(lock)',
      message: `cannot be created (${(err as NodeJS.ErrnoException).code ?? (err as Error).message ?? String(err)})`,
      fix: `Make ${displayOutDir}/ a writable folder, and ${displayOutDir}/${LOCK_FILE} nothing but helmflux's lock.`,
    },
  ]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes a file through a temporary file in its folder (a name no user file has) and a rename. The folder must exist. */
export function writeAtomically(target: string, text: string): void {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
  fs.writeFileSync(temp, text, { flag: 'wx' });
  fs.renameSync(temp, target);
}

/**
 * Temporary files an interrupted run left in the output folder and the
 * folders it generates in: exact matches of helmflux's names whose process
 * is gone (a file a user named `*.helmflux-tmp` stays).
 */
function findLeftovers(outDir: string): string[] {
  const found: string[] = [];
  for (const dir of [outDir, ...GENERATED_FOLDERS.map((f) => path.join(outDir, f))]) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const match = TEMP_NAME.exec(name);
      if (match && !isAlive(Number(match[2]))) found.push(path.join(dir, name));
    }
  }
  return found;
}
