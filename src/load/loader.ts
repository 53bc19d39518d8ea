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
import type { Settings } from '../definition/settings';
import { InputError, Problem } from '../problems';

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
  /** Every other `.ts` file it imported: absolute path -> sha256. */
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

/** Orders strings by UTF-16 code units, the same on every machine and locale. */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Loads environment files. A file that fails to load is reported as a
 * problem; the others are still loaded, so all problems show.
 */
export function loadEnvironments(options: LoadOptions): { environments: LoadedEnvironment[]; problems: Problem[] } {
  const environments: LoadedEnvironment[] = [];
  const problems: Problem[] = [];
  for (const fileName of options.fileNames ?? listEnvironmentFiles(options.dir, options.displayDir)) {
    const file = `${options.displayDir}/${fileName}`;
    const name = environmentName(fileName);
    const filename = path.join(options.dir, fileName);
    const run = new ModuleRun(helmfluxModule(options.settings));
    let exports: Record<string, unknown>;
    let hash: string;
    try {
      const source = fs.readFileSync(filename);
      hash = hashBytes(source);
      exports = run.load(filename, source.toString('utf8'), hash) as Record<string, unknown>;
    } catch (err) {
      problems.push({
        file,
        field: '(file)',
        message: `failed to load: ${describeError(err, filename)}`,
        fix: 'Fix the error in the file (or in what it imports) so that it runs without throwing.',
      });
      continue;
    }
    if (exports === null || typeof exports !== 'object' || !('default' in exports)) {
      problems.push({
        file,
        field: '(default export)',
        message: 'the file has no default export',
        fix: "Export the environment: `export default defineEnvironment({ namespace: { name: '...' }, releases: [...] })`.",
      });
      continue;
    }
    const deps = Object.fromEntries([...run.hashes].filter(([dep]) => dep !== filename));
    environments.push({ name, file, definition: exports.default, source: { hash, deps, cacheable: run.cacheable } });
  }
  return { environments, problems };
}

/** An error's first line, with the line of the environment file it came from when the stack says. */
export function describeError(err: unknown, filename: string): string {
  if (!(err instanceof Error)) return String(err);
  // Sucrase names the file by its absolute path; the problem already names it.
  const message = err.message.split('\n')[0].replace(`Error transforming ${filename}: `, 'syntax error: ');
  // Sucrase keeps line numbers, so the stack's line is the source file's line.
  const frame = err.stack?.split('\n').find((line) => line.includes(`${filename}:`));
  const line = frame?.slice(frame.indexOf(`${filename}:`) + filename.length + 1).match(/^\d+/)?.[0];
  return line ? `${message} (line ${line})` : message;
}

let transform: typeof import('sucrase').transform | undefined;

function transpile(source: string, filePath: string): string {
  // Loaded on first use: commands that load no environment file never pay for it.
  transform ??= (require('sucrase') as typeof import('sucrase')).transform;
  return transform(source, { transforms: ['typescript', 'imports'], filePath, disableESTransforms: true, production: true }).code;
}

/**
 * One environment file's evaluation: its modules (the file and the `.ts`
 * files it imports, each run once), their hashes, and whether it required
 * anything else.
 */
export class ModuleRun {
  public readonly hashes = new Map<string, string>();
  public cacheable = true;
  private readonly modules = new Map<string, { exports: unknown }>();

  /** @param helmflux what `import ... from 'helmflux'` gives the files of this run */
  public constructor(private readonly helmflux: unknown) {}

  /** Transpiles and runs one TypeScript file as a CommonJS module; returns its exports. */
  public load(filename: string, text = fs.readFileSync(filename, 'utf8'), hash = hashBytes(text)): unknown {
    const cached = this.modules.get(filename);
    if (cached) return cached.exports;
    this.hashes.set(filename, hash);
    const mod = { exports: {} as unknown, filename, loaded: false };
    this.modules.set(filename, mod);
    let nodeRequire: NodeJS.Require | undefined;
    const require = (id: string): unknown => {
      if (id === 'helmflux') return this.helmflux;
      const local = id.startsWith('.') ? resolveTypeScript(path.resolve(path.dirname(filename), id)) : undefined;
      if (local) return this.load(local);
      this.cacheable = false;
      nodeRequire ??= Module.createRequire(filename);
      return nodeRequire(id);
    };
    // The CommonJS wrapper, compiled directly: Module#_compile does the same with more bookkeeping.
    const wrapper = vm.compileFunction(transpile(text, filename), ['exports', 'require', 'module', '__filename', '__dirname'], { filename });
    wrapper.call(mod.exports, mod.exports, require, mod, filename, path.dirname(filename));
    mod.loaded = true;
    return mod.exports;
  }
}

/** What `import ... from 'helmflux'` gives environment files: the environment API and the settings, frozen. */
export function helmfluxModule(settings: Settings | undefined): unknown {
  return Object.freeze({ ...api, settings });
}

function resolveTypeScript(base: string): string | undefined {
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && fs.statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  return undefined;
}
