/**
 * The path every command shares: environment files -> loaded definitions ->
 * validated definitions -> rendered files. Commands add only what they do
 * with the result.
 */
import type { CacheEntry, SynthCache } from './cache';
import type { RenderedFile } from './layout';
import { compareCodePoints, loadEnvironments, type ReusedEnvironment } from './loader';
import { InputError } from './problems';
import { findProjectRoot, resolvePlace, DEFAULT_ENVIRONMENTS_DIR, type Place, type ProjectOptions } from './project';
import { validateEnvironments, type ValidEnvironment } from './validate';

export interface Project {
  readonly root: string;
  readonly cwd: string;
  readonly environments: Place;
}

export function openProject(options: ProjectOptions): Project {
  const cwd = options.cwd ?? process.cwd();
  const root = findProjectRoot(cwd);
  return { root, cwd, environments: resolvePlace(root, cwd, options.environmentsDir, DEFAULT_ENVIRONMENTS_DIR) };
}

/** The environments of a project: those run and validated now, and those reused from the synth cache. */
export interface Environments {
  readonly valid: ValidEnvironment[];
  readonly reused: ReusedEnvironment[];
}

/** Loads and validates every environment (reusing what `cache` still has); throws an InputError listing all problems. */
export function loadValidEnvironments(project: Project, cache?: SynthCache): Environments {
  const loaded = loadEnvironments({
    dir: project.environments.dir,
    displayDir: project.environments.display,
    reuse: cache && ((name, hash) => cache.reuse(name, hash)),
  });
  const claimed = new Map(loaded.reused.map((e) => [e.entry.namespace, e.file]));
  const checked = validateEnvironments(loaded.environments, claimed);
  const problems = [...loaded.problems, ...checked.problems];
  if (problems.length > 0) throw new InputError(problems);
  return { valid: checked.valid, reused: loaded.reused };
}

/** Renders validated environments; throws an InputError if any object fails its upstream schema. */
export function renderValidEnvironments(valid: readonly ValidEnvironment[]): RenderedFile[] {
  if (valid.length === 0) return [];
  // Loaded here, not at the top: `list`, and a synth whose environments all come from the cache, never load cdk8s.
  const { renderEnvironments } = require('./render') as typeof import('./render');
  const result = renderEnvironments(valid);
  if (result.problems.length > 0) throw new InputError(result.problems);
  return result.files;
}

/** Every environment's files, fresh or reused, in environment order. */
export function renderAll(environments: Environments): RenderedFile[] {
  const files = [...renderValidEnvironments(environments.valid), ...environments.reused.flatMap((e) => e.entry.files)];
  // A stable sort: each environment's files keep their own order.
  return files.sort((a, b) => compareCodePoints(a.environment, b.environment));
}

/** The cache entries for this run: reused ones, and fresh ones whose result depends on their sources alone. */
export function cacheEntries(environments: Environments, files: readonly RenderedFile[]): Map<string, CacheEntry> {
  const entries = new Map(environments.reused.map((e) => [e.name, e.entry]));
  for (const env of environments.valid) {
    if (!env.source?.cacheable) continue;
    entries.set(env.name, {
      source: env.source.hash,
      deps: env.source.deps,
      namespace: env.definition.namespace.name,
      files: files.filter((f) => f.environment === env.name),
    });
  }
  return entries;
}

/** Checks `--env` names against the environments; returns the selected set (undefined: all). */
export function selectEnvironments(environments: Environments, names: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (names === undefined || names.length === 0) return undefined;
  const known = new Set([...environments.valid, ...environments.reused].map((e) => e.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new InputError(
      unknown.map((name) => ({
        file: '--env',
        field: JSON.stringify(name),
        message: 'is not an environment',
        fix: `Use the name of a file in the environments folder, without ".ts": ${[...known].sort(compareCodePoints).join(', ')}.`,
      })),
    );
  }
  return new Set(names);
}
