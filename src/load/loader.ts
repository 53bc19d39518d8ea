/**
 * Loads environment files: every `*.ts` file directly in the environments
 * folder is one environment, named after the file.
 *
 * Each file is transpiled in memory with sucrase (type annotations stripped,
 * ES imports turned into CommonJS; no type check: `npm test` and the editor do
 * that) and evaluated as a CommonJS module. `import ... from 'helmflux'`
 * resolves to helmflux's environment API (`api.ts`) with the project's
 * settings, wherever the folder is; a relative import of another `.ts` file
 * is transpiled the same way.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as api from '../api';
import { describeThrown, markPlainData, normalizeDefinition } from '../definition/normalize';
import type { Settings } from '../definition/settings';
import { compareCodePoints } from '../order';
import { InputError, Problem } from '../problems';
import { ForbiddenCall, LoadGuard, type Guarded } from './guard';

/** One environment file, loaded. */
export interface LoadedEnvironment {
  /** The environment's name: the file name without `.ts`. */
  readonly name: string;
  /** The file as shown in messages and headers, e.g. `environments/dev.ts`. */
  readonly file: string;
  /** The file's default export, not yet validated. */
  readonly definition: unknown;
  /** What the definition was made from, for the synth cache. */
  readonly source: SourceInfo;
}

/** What an environment's definition was made from. */
export interface SourceInfo {
  /** sha256 of the environment file. */
  readonly hash: string;
  /** Every other `.ts` or `.json` file it imported: absolute path -> sha256; and each path an import tried in vain -> `ABSENT`. */
  readonly deps: Readonly<Record<string, string>>;
  /** False when it required anything but `helmflux` and `.ts` files: its result may depend on more than its sources. */
  readonly cacheable: boolean;
}

export interface LoadOptions {
  /** The folder holding the environment files (absolute). */
  readonly dir: string;
  /** How that folder is shown in messages and headers, e.g. `environments`. */
  readonly displayDir: string;
  /**
   * The file names to load.
   * @default - every environment file of the folder (`listEnvironmentFiles`)
   */
  readonly fileNames?: readonly string[];
  /** The project's settings, which environment files import as `settings`. */
  readonly settings: Settings;
  /**
   * Texts to load instead of what is on disk, by absolute file name: an edit
   * checked before it replaces the file (`adopt`, `promote`).
   * @default - every file as it is on disk
   */
  readonly sources?: ReadonlyMap<string, string>;
}

/** The environment file names (`dev.ts`, ...) of a folder, in code point order. */
export function listEnvironmentFiles(dir: string, displayDir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new InputError([
      {
        file: displayDir,
        field: '(folder)',
        message: `cannot read the environments folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        fix: 'Create it with one <name>.ts file per environment, or point --environments at the folder that has them.',
      },
    ]);
  }
  const files = entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => e.name)
    .sort(compareCodePoints);
  if (files.length === 0) {
    throw new InputError([
      {
        file: displayDir,
        field: '(folder)',
        message: 'has no environment files',
        fix: `Add one <name>.ts file per environment, e.g. ${displayDir}/dev.ts with \`export default defineEnvironment({ namespace: { name: 'develop' } })\`.`,
      },
    ]);
  }
  return files;
}

/** sha256 of a file's bytes, in hex. */
export function hashBytes(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The environment a file defines: its name without `.ts`. */
export function environmentName(fileName: string): string {
  return fileName.slice(0, -'.ts'.length);
}


/** Environment files, loaded. */
export interface LoadedEnvironments {
  readonly environments: LoadedEnvironment[];
  readonly problems: Problem[];
  /**
   * A file changed JavaScript's shared built-ins (one of `problems` says
   * which): whatever this thread runs after it, rendering included, runs on
   * changed built-ins, so it can neither be trusted nor be expected to work.
   */
  readonly builtinsChanged: boolean;
}

/**
 * Loads environment files. A file that fails to load is reported as a
 * problem; the others are still loaded, so all problems show. Each
 * definition is read once into plain frozen data (`normalize.ts`); each file
 * runs under the guard (`guard.ts`).
 */
export function loadEnvironments(options: LoadOptions): LoadedEnvironments {
  const environments: LoadedEnvironment[] = [];
  const problems: Problem[] = [];
  let builtinsChanged = false;
  const fileNames = options.fileNames ?? listEnvironmentFiles(options.dir, options.displayDir);
  if (fileNames.length === 0) return { environments, problems, builtinsChanged };
  loadTranspiler(); // before the guard's baseline: loading sucrase is not any file's doing
  const display = displayFrom(options.dir, options.displayDir);
  const reads = new SharedReads();
  // One frozen module for the pass: what `import ... from 'helmflux'` gives is the same for every file.
  const helmflux = helmfluxModule(options.settings);
  const runs = fileNames.map((fileName) => ({
    fileName,
    file: `${options.displayDir}/${fileName}`,
    filename: path.join(options.dir, fileName),
    run: new ModuleRun(helmflux, display, options.sources, reads),
  }));
  reads.prepare(runs.map((r) => r.filename), options.sources);
  // Reading the definition runs under the guard too: a getter is environment code.
  const outcomes = new LoadGuard().runAll(runs, ({ run, filename, file }) => guardedRead(run, filename, file));
  runs.forEach(({ fileName, file, filename, run }, i) => {
    const outcome = outcomes[i];
    if (outcome.changes.length > 0) builtinsChanged = true;
    const failure = loadFailure(outcome, run, file);
    if (failure) {
      problems.push(failure);
      return;
    }
    const read = (outcome as { value: ReturnType<typeof readDefinition> }).value;
    if (read.problems.length > 0) {
      problems.push(...read.problems);
      return;
    }
    const deps = Object.fromEntries([...run.hashes].filter(([dep]) => dep !== filename));
    environments.push({ name: environmentName(fileName), file, definition: read.definition, source: { hash: run.hashes.get(filename)!, deps, cacheable: run.cacheable } });
  });
  return { environments, problems, builtinsChanged };
}

/** An error already described, under the guard: describing what a file threw runs the file's code too (toString, stack getters). */
class Described extends Error {}

/** Loads a file and reads its definition; what it throws is described here, still under the guard. */
export function guardedRead(run: ModuleRun, filename: string, file: string, exportFix?: string): ReturnType<typeof readDefinition> {
  try {
    return readDefinition(run.load(filename), file, exportFix);
  } catch (err) {
    throw new Described(run.describe(err));
  }
}

/** The problem of a file whose load threw or changed the built-ins, if it did. */
export function loadFailure(outcome: Guarded<unknown>, run: ModuleRun, file: string): Problem | undefined {
  if (outcome.changes.length > 0) {
    return {
      file,
      field: '(file)',
      message: `changed JavaScript's shared built-ins while loading (${outcome.changes.join('; ')}), which would change what other files render`,
      fix: 'Do not modify built-in objects or define globals in environment files, the settings file or the modules they import; keep shared code in plain functions and values.',
    };
  }
  if ('error' in outcome) {
    const message = outcome.error instanceof Described ? outcome.error.message : run.describe(outcome.error);
    return { file, field: '(file)', message: `failed to load: ${message}`, fix: 'Fix the error in the file (or in what it imports) so that it runs without throwing.' };
  }
  return undefined;
}

/** A module's default export, read once into plain frozen data; or the problems that stop it. */
export function readDefinition(
  exports: unknown,
  file: string,
  exportFix = "Export the environment: `export default defineEnvironment({ namespace: { name: '...' }, releases: [...] })`.",
): { definition: unknown; problems: Problem[] } {
  const exported = defaultExport(exports);
  if (exported === NO_DEFAULT) return problem(file, 'the file has no default export', exportFix);
  if (exported instanceof ReadFailed) return problem(file, `reading it threw: ${describeThrown(exported.thrown)}`, 'Export plain data.');
  if (isThenable(exported)) {
    return problem(file, "is a Promise (an async function's result?), not a definition", 'Export the definition itself, computed synchronously: environment files run as CommonJS, without top-level await.');
  }
  return normalizeDefinition(exported, file);
}

function problem(file: string, message: string, fix: string): { definition: unknown; problems: Problem[] } {
  return { definition: undefined, problems: [{ file, field: '(default export)', message, fix }] };
}

const NO_DEFAULT = Symbol('no default export');

/** Reading a module's default export threw this. */
class ReadFailed {
  public constructor(public readonly thrown: unknown) {}
}

function isThenable(value: unknown): boolean {
  try {
    return value instanceof Promise || (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function');
  } catch {
    return false;
  }
}

/** A module's default export; NO_DEFAULT without one; ReadFailed when reading it threw. */
function defaultExport(exports: unknown): unknown {
  try {
    if (exports === null || (typeof exports !== 'object' && typeof exports !== 'function')) return NO_DEFAULT;
    if (!Object.prototype.hasOwnProperty.call(exports, 'default')) return NO_DEFAULT;
    return (exports as { default: unknown }).default;
  } catch (err) {
    return new ReadFailed(err);
  }
}

/** How files are named in messages: relative to the project root, POSIX; outside it, by their own name. */
export function displayFrom(environmentsDir: string, environmentsDisplay: string): (file: string) => string {
  // The environments folder is shown relative to the root, so the root is that many levels up.
  const root = environmentsDisplay.includes('..') || path.isAbsolute(environmentsDisplay)
    ? path.dirname(environmentsDir)
    : path.resolve(environmentsDir, ...environmentsDisplay.split('/').map(() => '..'));
  return (file) => {
    const relative = path.relative(root, file);
    return relative.startsWith('..') || path.isAbsolute(relative) ? path.basename(file) : relative.split(path.sep).join('/');
  };
}

/**
 * An error's first line, with where it came from when the stack says: its
 * line in the top file, or the imported file and line. `files` are the
 * run's modules, the top file first.
 */
function describeError(err: unknown, files: readonly string[], display: (file: string) => string): string {
  try {
    return describeErrorUnsafe(err, files, display);
  } catch {
    // A Proxy, or an object whose every property throws.
    return 'threw a value that cannot be shown';
  }
}

function describeErrorUnsafe(err: unknown, files: readonly string[], display: (file: string) => string): string {
  const where = (file: string) => (file === files[0] ? '' : `${display(file)}, `);
  if (!(err instanceof Error)) return `threw ${describeThrown(err)}`;
  let message: string;
  let stack: string;
  try {
    message = String(err.message).split('\n')[0];
    stack = String(err.stack ?? '');
  } catch {
    return 'threw an error that cannot be shown';
  }
  // Sucrase names a file with a syntax error by its absolute path.
  const syntax = /^Error transforming (.+?): (.*)$/.exec(message);
  if (syntax) return syntax[1] === files[0] ? `syntax error: ${syntax[2]}` : `syntax error in ${display(syntax[1])}: ${syntax[2]}`;
  if (err instanceof ForbiddenCall) message = err.message;
  // Sucrase keeps line numbers, so the stack's line is the source file's line.
  for (const line of stack.split('\n')) {
    const file = files.find((f) => line.includes(`${f}:`));
    if (file === undefined) continue;
    const at = line.slice(line.indexOf(`${file}:`) + file.length + 1).match(/^\d+/)?.[0];
    return at ? `${message} (${where(file)}line ${at})` : `${message} (in ${display(file)})`;
  }
  return message;
}

let transform: typeof import('sucrase').transform | undefined;

/** Loads sucrase (on first use: commands that load no environment file never pay for it). */
export function loadTranspiler(): typeof import('sucrase').transform {
  transform ??= (require('sucrase') as typeof import('sucrase')).transform;
  return transform;
}

function transpile(source: string, filePath: string): string {
  return loadTranspiler()(source, { transforms: ['typescript', 'imports'], filePath, disableESTransforms: true, production: true }).code;
}

/**
 * What is the same for every environment file that imports a module, made
 * once per thread and kept while the module's bytes stay the same: its
 * compiled CommonJS wrapper (transpiling and compiling cost about 60 % of
 * loading a small file), and a JSON file's parsed, frozen data. Each run
 * still calls the wrapper itself, so every environment file gets fresh
 * module instances; frozen data cannot be changed by one file for another.
 */
const compiledModules = new Map<string, { readonly hash: string; readonly wrapper: Function }>();
const jsonModules = new Map<string, { readonly hash: string; readonly data: unknown }>();

/** The CommonJS wrapper of transpiled code, compiled directly: Module#_compile does the same with more bookkeeping. */
function compileCommonJs(code: string, filename: string): Function {
  return vm.compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname'], { filename });
}

/**
 * The compiled wrapper of a module's source; for an imported module (`shared`),
 * from the per-thread cache when its bytes are the same. An environment file
 * itself is loaded once: keeping its wrapper would only hold memory.
 */
function compiledWrapper(filename: string, source: Buffer, hash: string, shared: boolean): Function {
  const cached = shared ? compiledModules.get(filename) : undefined;
  if (cached?.hash === hash) return cached.wrapper;
  const wrapper = compileCommonJs(transpile(source.toString('utf8'), filename), filename);
  if (shared) compiledModules.set(filename, { hash, wrapper });
  return wrapper;
}

/** An environment file read, transpiled and compiled before it runs; or why that failed (thrown when it runs, under the guard). */
type Prepared =
  | { readonly readError: unknown }
  | { readonly bytes: Buffer; readonly hash: string; readonly wrapper: Function }
  | { readonly bytes: Buffer; readonly hash: string; readonly compileError: unknown };

/**
 * What one loading pass (one `loadEnvironments` call, a few hundred files)
 * reads of the modules environment files import, read once for all of them:
 * a module's bytes and hash, and the `.ts` file an import resolves to (with
 * the paths it tried). Files are taken not to change during a pass; the
 * next pass (the next synth, or the watch's next round) reads them again.
 *
 * It also holds the pass's environment files prepared ahead of running
 * them (`prepare`): all of them transpiled, then all compiled, then each
 * run. Doing each step for the whole pass keeps sucrase's and V8's compiler
 * code hot: a quarter less time at 10,000 files than interleaving the steps
 * with running each file (BENCHMARKS.md, (k)).
 */
export class SharedReads {
  private readonly prepared = new Map<string, Prepared>();
  private readonly files = new Map<string, { readonly bytes: Buffer; readonly hash: string } | { readonly error: unknown }>();
  private readonly resolutions = new Map<string, { readonly found: string | undefined; readonly tried: readonly string[] }>();

  /**
   * Reads, transpiles and compiles environment files (the top files of a
   * pass's runs), each step for all of them before the next; `sources`:
   * texts to use instead of what is on disk. No environment code runs here;
   * what fails is kept, to be thrown when the file runs (`take`).
   */
  public prepare(filenames: readonly string[], sources?: ReadonlyMap<string, string>): void {
    const transpiled: { readonly filename: string; readonly bytes: Buffer; readonly hash: string; readonly code: string }[] = [];
    for (const filename of filenames) {
      let bytes: Buffer;
      let hash: string;
      try {
        ({ bytes, hash } = sourceOf(filename, sources));
      } catch (readError) {
        this.prepared.set(filename, { readError });
        continue;
      }
      try {
        transpiled.push({ filename, bytes, hash, code: transpile(bytes.toString('utf8'), filename) });
      } catch (compileError) {
        this.prepared.set(filename, { bytes, hash, compileError });
      }
    }
    for (const { filename, bytes, hash, code } of transpiled) {
      try {
        this.prepared.set(filename, { bytes, hash, wrapper: compileCommonJs(code, filename) });
      } catch (compileError) {
        this.prepared.set(filename, { bytes, hash, compileError });
      }
    }
  }

  /** An environment file `prepare` made ready, handed over once (the pass holds no file it has run). */
  public take(filename: string): Prepared | undefined {
    const prepared = this.prepared.get(filename);
    this.prepared.delete(filename);
    return prepared;
  }

  /** A module's bytes and hash; throws what reading it threw, every time. */
  public read(filename: string): { readonly bytes: Buffer; readonly hash: string } {
    let entry = this.files.get(filename);
    if (entry === undefined) {
      try {
        const bytes = fs.readFileSync(filename);
        entry = { bytes, hash: hashBytes(bytes) };
      } catch (error) {
        entry = { error };
      }
      this.files.set(filename, entry);
    }
    if ('error' in entry) throw entry.error;
    return entry;
  }

  /** The `.ts` file an import means (`x`, `x.ts`, `x/index.ts`), and each path tried and not found. */
  public resolve(base: string): { readonly found: string | undefined; readonly tried: readonly string[] } {
    let resolution = this.resolutions.get(base);
    if (resolution === undefined) {
      const tried: string[] = [];
      let found: string | undefined;
      for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
        if (!candidate.endsWith('.ts')) continue;
        let isFile = false;
        try {
          isFile = fs.statSync(candidate, { throwIfNoEntry: false })?.isFile() ?? false;
        } catch {
          // ENOTDIR and the like: not there.
        }
        if (isFile) {
          found = candidate;
          break;
        }
        tried.push(candidate);
      }
      resolution = { found, tried };
      this.resolutions.set(base, resolution);
    }
    return resolution;
  }
}

/** The hash recorded for a path an import could have resolved to but did not: the file appearing changes the resolution. */
export const ABSENT = 'absent';

/**
 * One environment file's evaluation: its modules (the file and the `.ts` and
 * `.json` files it imports, each run once), their hashes (and the paths an
 * import tried that did not exist), and whether it required anything else.
 */
export class ModuleRun {
  public readonly hashes = new Map<string, string>();
  public cacheable = true;
  private readonly modules = new Map<string, { exports: unknown }>();

  /**
   * @param helmflux what `import ... from 'helmflux'` gives the files of this run
   * @param display how a file is named in messages
   * @param sources texts to run instead of the files on disk, by absolute file name
   * @param reads what this loading pass has read of imported modules (shared by its runs)
   */
  public constructor(
    private readonly helmflux: unknown,
    private readonly display: (file: string) => string,
    private readonly sources?: ReadonlyMap<string, string>,
    private readonly reads: SharedReads = new SharedReads(),
  ) {}

  /** What an error thrown while this run loaded says, in one line, with the file and line it came from. */
  public describe(err: unknown): string {
    return describeError(err, [...this.modules.keys()], this.display);
  }

  /** Transpiles and runs one TypeScript file (and what it imports) as a CommonJS module; returns its exports. Run it under the guard. `shared`: a module other files import too. */
  public load(filename: string, shared = false): unknown {
    const cached = this.modules.get(filename);
    if (cached) return cached.exports;
    // An environment file is prepared with the rest of its pass; a module it imports, or a file loaded on its own, here.
    const prepared = shared ? undefined : this.reads.take(filename);
    if (prepared && 'readError' in prepared) throw prepared.readError;
    const { bytes: source, hash } = prepared ?? (shared && !this.sources?.has(filename) ? this.reads.read(filename) : sourceOf(filename, this.sources));
    this.hashes.set(filename, hash);
    const mod = { exports: {} as unknown, filename, loaded: false };
    this.modules.set(filename, mod);
    if (prepared && 'compileError' in prepared) throw prepared.compileError;
    let nodeRequire: NodeJS.Require | undefined;
    const require = (id: string): unknown => {
      if (id === 'helmflux') return this.helmflux;
      if (id.startsWith('.')) {
        const target = path.resolve(path.dirname(filename), id);
        if (id.endsWith('.json')) return this.loadJson(target);
        const local = this.resolveTypeScript(target);
        if (local) return this.load(local, true);
      }
      this.cacheable = false;
      nodeRequire ??= Module.createRequire(filename);
      return nodeRequire(id);
    };
    const wrapper = prepared && 'wrapper' in prepared ? prepared.wrapper : compiledWrapper(filename, source, hash, shared);
    wrapper.call(mod.exports, mod.exports, require, mod, filename, path.dirname(filename));
    mod.loaded = true;
    return mod.exports;
  }

  /** A JSON file, parsed and frozen; its bytes are hashed like a `.ts` file's, so it is cached like one. */
  private loadJson(filename: string): unknown {
    const cached = this.modules.get(filename);
    if (cached) return cached.exports;
    let text: Buffer;
    let hash: string;
    try {
      ({ bytes: text, hash } = this.reads.read(filename));
    } catch (err) {
      throw new Error(`cannot read ${this.display(filename)} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    this.hashes.set(filename, hash);
    const shared = jsonModules.get(filename);
    let exports: unknown;
    if (shared?.hash === hash) exports = shared.data;
    else {
      let data: unknown;
      try {
        data = JSON.parse(text.toString('utf8'));
      } catch (err) {
        throw new Error(`${this.display(filename)} is not valid JSON (${(err as Error).message})`);
      }
      // As Node's own require of a JSON file: the data is the module (`import data from` and `import { key } from` both work).
      exports = deepFreeze(data);
      markPlainData(exports);
      jsonModules.set(filename, { hash, data: exports });
    }
    this.modules.set(filename, { exports });
    return exports;
  }

  /** The `.ts` file an import means (`x`, `x.ts`, `x/index.ts`); each path tried and not found is recorded as ABSENT. */
  private resolveTypeScript(base: string): string | undefined {
    const { found, tried } = this.reads.resolve(base);
    for (const candidate of tried) if (!this.hashes.has(candidate)) this.hashes.set(candidate, ABSENT);
    return found;
  }
}

/** A file's bytes and their hash: the text given for it in `sources`, or what is on disk. */
function sourceOf(filename: string, sources: ReadonlyMap<string, string> | undefined): { bytes: Buffer; hash: string } {
  const given = sources?.get(filename);
  return given !== undefined ? { bytes: Buffer.from(given, 'utf8'), hash: hashBytes(given) } : readHashed(filename);
}

/** A file's bytes and their hash. */
function readHashed(filename: string): { bytes: Buffer; hash: string } {
  const bytes = fs.readFileSync(filename);
  return { bytes, hash: hashBytes(bytes) };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** What `import ... from 'helmflux'` gives environment files: the environment API and the settings, frozen. */
export function helmfluxModule(settings: Settings | undefined): unknown {
  return Object.freeze({ ...api, settings });
}
