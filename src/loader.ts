/**
 * Loads environment files: every `*.ts` file directly in the environments
 * folder is one environment, named after the file.
 *
 * Each file is transpiled in memory with sucrase (type annotations stripped,
 * ES imports turned into CommonJS; no type check: `npm test` and the editor do
 * that) and evaluated as a CommonJS module. `import ... from 'helmflux'`
 * resolves to this running copy of helmflux, wherever the folder is; a
 * relative import of another `.ts` file is transpiled the same way.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { fieldPath, InputError, Problem } from './problems';

/** One environment file, loaded. */
export interface LoadedEnvironment {
  /** The environment's name: the file name without `.ts`. */
  readonly name: string;
  /** The file as shown in messages and headers, e.g. `environments/dev.ts`. */
  readonly file: string;
  /** The file's default export, not yet validated. */
  readonly definition: unknown;
}

export interface LoadOptions {
  /** The folder holding the environment files (absolute). */
  readonly dir: string;
  /** How that folder is shown in messages and headers, e.g. `environments`. */
  readonly displayDir: string;
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

/** Orders strings by UTF-16 code units, the same on every machine and locale. */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Loads every environment file of a folder. A file that fails to load is
 * reported as a problem; the others are still loaded, so all problems show.
 */
export function loadEnvironments(options: LoadOptions): { environments: LoadedEnvironment[]; problems: Problem[] } {
  const environments: LoadedEnvironment[] = [];
  const problems: Problem[] = [];
  for (const fileName of listEnvironmentFiles(options.dir, options.displayDir)) {
    const file = `${options.displayDir}/${fileName}`;
    const name = fileName.slice(0, -'.ts'.length);
    let exports: Record<string, unknown>;
    try {
      exports = loadTypeScriptModule(path.join(options.dir, fileName)) as Record<string, unknown>;
    } catch (err) {
      problems.push({
        file,
        field: '(file)',
        message: `failed to load: ${describeError(err)}`,
        fix: 'Fix the error in the file (or in what it imports) so that it runs without throwing.',
      });
      continue;
    }
    if (exports === null || typeof exports !== 'object' || !('default' in exports)) {
      problems.push({
        file,
        field: fieldPath('', 'default export'),
        message: 'the file has no default export',
        fix: "Export the environment: `export default defineEnvironment({ namespace: { name: '...' }, releases: [...] })`.",
      });
      continue;
    }
    environments.push({ name, file, definition: exports.default });
  }
  return { environments, problems };
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0];
  return String(err);
}

interface InternalModule extends Module {
  _compile(code: string, filename: string): void;
}
const ModuleInternals = Module as unknown as typeof Module & { _nodeModulePaths(dir: string): string[] };

let transform: typeof import('sucrase').transform | undefined;

function transpile(source: string, filePath: string): string {
  // Loaded on first use: commands that load no environment file never pay for it.
  transform ??= (require('sucrase') as typeof import('sucrase')).transform;
  return transform(source, { transforms: ['typescript', 'imports'], filePath, disableESTransforms: true, production: true }).code;
}

/** Transpiles and runs one TypeScript file as a CommonJS module; returns its exports. */
function loadTypeScriptModule(filename: string, cache = new Map<string, Module>()): unknown {
  const cached = cache.get(filename);
  if (cached) return cached.exports;
  const code = transpile(fs.readFileSync(filename, 'utf8'), filename);
  const mod = new Module(filename) as InternalModule;
  mod.filename = filename;
  mod.paths = ModuleInternals._nodeModulePaths(path.dirname(filename));
  cache.set(filename, mod);
  mod.require = ((id: string) => {
    if (id === 'helmflux') return require('./index');
    const local = id.startsWith('.') ? resolveTypeScript(path.resolve(path.dirname(filename), id)) : undefined;
    if (local) return loadTypeScriptModule(local, cache);
    return Module.prototype.require.call(mod, id);
  }) as NodeJS.Require;
  mod._compile(code, filename);
  mod.loaded = true;
  return mod.exports;
}

function resolveTypeScript(base: string): string | undefined {
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && fs.statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  return undefined;
}
