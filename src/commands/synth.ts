/**
 * `helmflux synth`, `check` and `validate` as library functions: the CLI only
 * parses flags and calls these.
 */
import { availableParallelism } from 'node:os';
import { SynthCache } from '../engine/cache';
import { cacheEntries, openProject, selectEnvironments, synthesize } from '../engine/pipeline';
import { InputError } from '../problems';
import { checkOutputPlace, resolvePlace, DEFAULT_OUT_DIR, type ProjectOptions } from '../load/project';
import { applyPlan, planWrite } from '../output/writer';

export interface SynthOptions extends ProjectOptions {
  /**
   * The output folder, relative to `cwd`.
   * @default - `dist/` of the project root
   */
  readonly outDir?: string;
  /**
   * Write (and remove) only these environments' files. All environments are still loaded and validated.
   * @default - every environment
   */
  readonly environments?: readonly string[];
  /**
   * Reuse what each unchanged environment rendered to last time (see `cache.ts`).
   * @default true
   */
  readonly cache?: boolean;
  /**
   * How many threads may load and render environments (only used when there are hundreds).
   * @default - the number of CPUs, at most 4
   */
  readonly threads?: number;
  /**
   * Receives one line per file written or removed.
   * @default - lines are dropped
   */
  readonly log?: (line: string) => void;
}

export interface SynthReport {
  readonly environments: number;
  readonly files: number;
  readonly written: number;
  readonly removed: number;
  readonly unchanged: number;
  /** The output folder as shown to the user. */
  readonly outDir: string;
}

/** Validates everything and plans the write; shared by `synth` (which carries the plan out) and `check`. */
function prepareWrite(options: SynthOptions) {
  const project = openProject(options);
  const out = resolvePlace(project.root, project.cwd, options.outDir, DEFAULT_OUT_DIR);
  checkOutputPlace(project.root, out, '--out');
  const cache = options.cache === false ? undefined : SynthCache.open(project.root, project.environments.dir, project.environments.display);
  const synthesis = synthesize(project, { cache, threads: options.threads ?? defaultThreads() });
  const scope = selectEnvironments(synthesis.environments, options.environments);
  const files = synthesis.files.filter((f) => scope === undefined || scope.has(f.environment));
  const plan = planWrite({ outDir: out.dir, displayOutDir: out.display, files, scope });
  if (plan.problems.length > 0) throw new InputError(plan.problems);
  return { out, cache, synthesis, scope, files, plan };
}

/** Validates everything, then writes what changed. Throws an InputError (writing nothing) on bad input. */
export function synth(options: SynthOptions = {}): SynthReport {
  const { out, cache, synthesis, scope, files, plan } = prepareWrite(options);
  applyPlan(plan, options.log ?? (() => {}));
  cache?.save(cacheEntries(synthesis));
  return {
    environments: scope?.size ?? synthesis.environments.length,
    files: files.length,
    written: plan.writes.length,
    removed: plan.removals.length,
    unchanged: plan.unchanged,
    outDir: out.display,
  };
}

export interface CheckReport {
  /** Files synth would write (new or changed), relative to the output folder. */
  readonly stale: readonly string[];
  /** Files synth would remove. */
  readonly removed: readonly string[];
  /** The output folder as shown to the user. */
  readonly outDir: string;
}

/**
 * Everything synth checks, then what synth would change in the output folder,
 * writing nothing: a CI step's drift check. Throws an InputError on bad input.
 */
export function check(options: SynthOptions = {}): CheckReport {
  const { out, plan } = prepareWrite(options);
  return { stale: plan.writes.map((f) => f.path), removed: plan.removals, outDir: out.display };
}

export interface ValidateReport {
  readonly environments: number;
  readonly objects: number;
}

/** Everything synth checks, writing nothing (and not using the cache). Throws an InputError on bad input. */
export function validate(options: ProjectOptions & { readonly threads?: number } = {}): ValidateReport {
  const synthesis = synthesize(openProject(options), { threads: options.threads ?? defaultThreads() });
  return { environments: synthesis.environments.length, objects: synthesis.environments.reduce((n, e) => n + e.objects, 0) };
}

function defaultThreads(): number {
  return Math.min(availableParallelism(), 4);
}
