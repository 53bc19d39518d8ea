/**
 * The path every command shares: environment files -> loaded definitions ->
 * validated definitions -> rendered files. Commands add only what they do
 * with the result.
 *
 * Synthesis runs that path on chunks of the environment files, shared out
 * between threads when there are many (`threads.ts`): each chunk is loaded,
 * validated and rendered independently, and the results are merged in file
 * order, so the output never depends on the number of threads.
 */
import { checkBuildIsCurrent } from '../load/build-check';
import type { CacheEntry, SynthCache } from './cache';
import { limitHeapGrowth } from './memory';
import type { RenderedFile } from '../output/layout';
import { environmentName, listEnvironmentFiles, loadEnvironments, type SourceInfo } from '../load/loader';
import { compareCodePoints } from '../order';
import { InputError, type Problem } from '../problems';
import { findProjectRoot, resolvePlace, DEFAULT_ENVIRONMENTS_DIR, type Place, type ProjectOptions } from '../load/project';
import { loadSettings, type LoadedSettings } from '../load/settings';
import type { Settings } from '../definition/settings';
import { checkUniqueHelmReleases, checkUniqueNamespaces, helmReleaseClaims, validateEnvironments, type HelmReleaseClaim, type ValidEnvironment } from '../definition/validate';

export interface Project {
  readonly root: string;
  readonly cwd: string;
  readonly environments: Place;
  /** The settings file, loaded and checked. */
  readonly settings: LoadedSettings;
}

/** Finds the project's folders and loads its settings; throws an InputError when the settings are wrong. */
export function openProject(options: ProjectOptions): Project {
  checkBuildIsCurrent();
  const cwd = options.cwd ?? process.cwd();
  const root = findProjectRoot(cwd, options.environmentsDir);
  const loaded = loadSettings(root);
  if (loaded.problems.length > 0) throw new InputError(loaded.problems);
  // `--flux` overrides the settings' target; the cache keys on the target too.
  const settings =
    options.flux === undefined || options.flux === loaded.settings.flux
      ? loaded
      : { ...loaded, settings: Object.freeze({ ...loaded.settings, flux: options.flux }), key: `${loaded.key}\0flux=${options.flux}` };
  return { root, cwd, environments: resolvePlace(root, cwd, options.environmentsDir, DEFAULT_ENVIRONMENTS_DIR), settings };
}

/** Loads and validates every environment, with definitions (for `list`); throws an InputError listing all problems. */
export function loadValidEnvironments(project: Project): ValidEnvironment[] {
  const { settings } = project.settings;
  const loaded = loadEnvironments({ dir: project.environments.dir, displayDir: project.environments.display, settings });
  const checked = validateEnvironments(loaded.environments, settings);
  const claims = checked.valid.map((e) => ({ file: e.file, namespace: e.definition.namespace.name }));
  const releases = checked.valid.map((e) => ({ file: e.file, helmReleases: helmReleaseClaims(e.definition) }));
  const problems = [...loaded.problems, ...checked.problems, ...checkUniqueNamespaces(claims), ...checkUniqueHelmReleases(releases)];
  if (problems.length > 0) throw new InputError(problems);
  return checked.valid;
}

/**
 * Renders validated environments for the settings' Flux (`targets/flux-v1/`
 * or `targets/flux-v2/`); returns the files, the problems (objects their
 * upstream schemas reject; for v2, v1 settings with no v2 meaning) and warnings.
 */
function render(valid: readonly ValidEnvironment[], settings: Settings): { files: RenderedFile[]; problems: Problem[]; warnings: string[] } {
  if (valid.length === 0) return { files: [], problems: [], warnings: [] };
  // Loaded here, not at the top: `list`, and a synth whose environments all come from the cache, never load cdk8s.
  if (settings.flux === 'v2') {
    const { renderEnvironmentsV2 } = require('../targets/flux-v2/render') as typeof import('../targets/flux-v2/render');
    return renderEnvironmentsV2(valid, settings);
  }
  const { renderEnvironments } = require('../targets/flux-v1/render') as typeof import('../targets/flux-v1/render');
  return renderEnvironments(valid);
}

/** One valid environment, as synthesis needs it. */
export interface EnvironmentSummary {
  readonly name: string;
  readonly file: string;
  readonly namespace: string;
  /** The Helm releases its HelmReleases manage. */
  readonly helmReleases: readonly HelmReleaseClaim[];
  /** The number of objects it rendered to. */
  readonly objects: number;
  /** What it was made from, when its sources alone decide its result (so it may be cached). */
  readonly source?: SourceInfo;
  /** The cache entry it was reused from, instead of being run. */
  readonly reused?: CacheEntry;
  /** What rendering it warned about (Flux v2: v1 settings dropped or approximated); kept in the cache with its files. */
  readonly warnings?: readonly string[];
}

/** What a chunk of environment files came to. Plain data: it crosses threads. */
export interface ChunkResult {
  readonly environments: EnvironmentSummary[];
  readonly files: RenderedFile[];
  readonly problems: Problem[];
  /** A file changed the shared built-ins: the chunk was not rendered, and its thread runs no further chunk (`LoadedEnvironments`). */
  readonly builtinsChanged?: true;
}

export interface ChunkOptions {
  readonly dir: string;
  readonly displayDir: string;
  readonly fileNames: readonly string[];
  readonly settings: Settings;
}

/**
 * Environment files are loaded, validated and rendered a chunk at a time:
 * each chunk's module instances and definitions can go before the next is
 * loaded, so memory stays flat however many files there are; and each step
 * runs for the whole chunk before the next (`loader.ts` says why that is
 * faster). Chunks are also the unit threads claim (`threads.ts`).
 */
const CHUNK = 256;

/** Runs chunks in turn on this thread, stopping after one whose files changed the shared built-ins. */
export function runChunksInTurn(chunks: Iterable<readonly [number, ChunkOptions]>): [number, ChunkResult][] {
  const results: [number, ChunkResult][] = [];
  for (const [i, chunk] of chunks) {
    const result = runChunk(chunk);
    results.push([i, result]);
    if (result.builtinsChanged) break;
  }
  return results;
}

/** The environment files in chunks, in file order. */
export function chunksOf(fileNames: readonly string[]): string[][] {
  const chunks: string[][] = [];
  for (let start = 0; start < fileNames.length; start += CHUNK) chunks.push(fileNames.slice(start, start + CHUNK));
  return chunks;
}

/** Loads, validates and renders one chunk of environment files. */
function runChunk(options: ChunkOptions): ChunkResult {
  const loaded = loadEnvironments(options);
  // The run fails with the problem naming the file; rendering on changed built-ins could only crash or mislead.
  if (loaded.builtinsChanged) return { environments: [], files: [], problems: loaded.problems, builtinsChanged: true };
  const checked = validateEnvironments(loaded.environments, options.settings);
  const rendered = render(checked.valid, options.settings);
  const byEnvironment = filesByEnvironment(rendered.files);
  const warningsOf = (file: string) => rendered.warnings.filter((w) => w.startsWith(`${file}: `));
  const environments = checked.valid.map((e): EnvironmentSummary => {
    const files = byEnvironment.get(e.name) ?? [];
    const warnings = rendered.warnings.length === 0 ? [] : warningsOf(e.file);
    return {
      name: e.name,
      file: e.file,
      namespace: e.definition.namespace.name,
      helmReleases: helmReleaseClaims(e.definition),
      objects: countObjects(files),
      source: e.source?.cacheable ? e.source : undefined,
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  });
  return { environments, files: rendered.files, problems: [...loaded.problems, ...checked.problems, ...rendered.problems] };
}

function countObjects(files: readonly RenderedFile[]): number {
  return files.reduce((n, f) => n + (f.text.match(/^---$/gm)?.length ?? 0), 0);
}

/** Every environment of a project, validated and rendered. */
export interface Synthesis {
  /** In file order. */
  readonly environments: EnvironmentSummary[];
  /** In environment order; each environment's files in their own order; then the project files (Flux v2). */
  readonly files: RenderedFile[];
  /** What the environments' rendering warned about (from the cache too), in environment order. */
  readonly warnings: string[];
}

export interface SynthesisOptions {
  /** Reuse what unchanged environments rendered to last time. */
  readonly cache?: SynthCache;
  /** How many threads may load and render. */
  readonly threads: number;
  /** Receives a line per phase of long work (hundreds of environments to run). */
  readonly progress?: (line: string) => void;
}

/** From this many environment files to run, synthesis reports its phases (`progress`). */
const PROGRESS_FROM = 200;

/** Below this many environment files for each thread, one thread is faster. */
const MIN_FILES_PER_THREAD = 250;

/** Loads, validates and renders every environment; throws an InputError listing all problems. */
export function synthesize(project: Project, options: SynthesisOptions): Synthesis {
  const { dir, display } = project.environments;
  const { settings } = project.settings;
  const fileNames = listEnvironmentFiles(dir, display);
  const reused = options.cache?.reusable(dir, fileNames) ?? new Map<string, CacheEntry>();
  const misses = fileNames.filter((f) => !reused.has(environmentName(f)));
  // Threads pay off only when there is a lot to render: each loads cdk8s first.
  const threads = misses.length >= MIN_FILES_PER_THREAD * 2 ? Math.min(options.threads, Math.floor(misses.length / MIN_FILES_PER_THREAD)) : 1;
  if (misses.length >= PROGRESS_FROM) {
    options.progress?.(`loading, checking and rendering ${misses.length} environment files on ${threads} ${threads === 1 ? 'thread' : 'threads'} (${reused.size} unchanged, from the cache)`);
  }
  const chunks = chunksOf(misses).map((fileNames) => ({ dir, displayDir: display, fileNames, settings }));
  if (chunks.length > 1) limitHeapGrowth();
  const results =
    threads > 1 ? (require('./threads') as typeof import('./threads')).runChunks(chunks, threads) : runChunksInTurn(chunks.entries()).map(([, result]) => result);
  results.push({
    environments: [...reused].map(([name, entry]) => ({
      name,
      file: `${display}/${name}.ts`,
      namespace: entry.namespace,
      helmReleases: entry.helmReleases,
      objects: countObjects(entry.files),
      reused: entry,
      ...(entry.warnings ? { warnings: entry.warnings } : {}),
    })),
    files: [...reused.values()].flatMap((entry) => entry.files),
    problems: [],
  });
  const environments = results.flatMap((r) => r.environments).sort((a, b) => compareCodePoints(a.name, b.name));
  const problems = [
    ...results.flatMap((r) => r.problems),
    ...checkUniqueNamespaces(environments.map((e) => ({ file: e.file, namespace: e.namespace }))),
    ...checkUniqueHelmReleases(environments),
  ];
  if (problems.length > 0) throw new InputError(problems.sort((a, b) => compareCodePoints(a.file, b.file)));
  // A stable sort: each environment's files keep their own order.
  const files = results.flatMap((r) => r.files).sort((a, b) => compareCodePoints(a.environment, b.environment));
  const warnings = environments.flatMap((e) => e.warnings ?? []);
  if (settings.flux !== 'v2') return { environments, files, warnings };
  // Flux v2: the project files, from every environment's needs (environment '', after the environments' files).
  const { projectFilesV2 } = require('../targets/flux-v2/project') as typeof import('../targets/flux-v2/project');
  const projectFiles = projectFilesV2(files);
  if (projectFiles.problems.length > 0) throw new InputError(projectFiles.problems);
  return { environments, files: [...files, ...projectFiles.files], warnings };
}

/** The cache entries of a synthesis: reused ones, and new ones for environments whose sources alone decide their result. */
export function cacheEntries(synthesis: Synthesis): Map<string, CacheEntry> {
  const files = filesByEnvironment(synthesis.files);
  const entries = new Map<string, CacheEntry>();
  for (const env of synthesis.environments) {
    if (env.reused) entries.set(env.name, env.reused);
    else if (env.source) {
      entries.set(env.name, { source: env.source.hash, deps: env.source.deps, namespace: env.namespace, helmReleases: env.helmReleases, files: files.get(env.name) ?? [], ...(env.warnings ? { warnings: env.warnings } : {}) });
    }
  }
  return entries;
}

function filesByEnvironment(files: readonly RenderedFile[]): Map<string, RenderedFile[]> {
  const grouped = new Map<string, RenderedFile[]>();
  for (const f of files) {
    const list = grouped.get(f.environment);
    if (list) list.push(f);
    else grouped.set(f.environment, [f]);
  }
  return grouped;
}

/** Checks `--env` names against the environments (or their names); returns the selected set (undefined: all). */
export function selectEnvironments(environments: readonly (EnvironmentSummary | string)[], names: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (names === undefined || names.length === 0) return undefined;
  const known = new Set(environments.map((e) => (typeof e === 'string' ? e : e.name)));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new InputError(
      unknown.map((name) => ({
        file: '--env',
        field: JSON.stringify(name),
        message: 'is not an environment',
        fix: `Use the name of a file in the environments folder, without ".ts": ${[...known].join(', ')}.`,
      })),
    );
  }
  return new Set(names);
}
