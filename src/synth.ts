/**
 * `helmflux synth` and `helmflux validate` as library functions: the CLI only
 * parses flags and calls these.
 */
import { SynthCache } from './cache';
import { cacheEntries, loadValidEnvironments, openProject, renderAll, renderValidEnvironments, selectEnvironments } from './pipeline';
import { InputError } from './problems';
import { checkOutputPlace, resolvePlace, DEFAULT_OUT_DIR, type ProjectOptions } from './project';
import { applyPlan, planWrite } from './writer';

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

/** Validates everything, then writes what changed. Throws an InputError (writing nothing) on bad input. */
export function synth(options: SynthOptions = {}): SynthReport {
  const project = openProject(options);
  const out = resolvePlace(project.root, project.cwd, options.outDir, DEFAULT_OUT_DIR);
  checkOutputPlace(project.root, out, '--out');
  const cache = options.cache === false ? undefined : SynthCache.open(project.root, project.environments.dir, project.environments.display);
  const environments = loadValidEnvironments(project, cache);
  const scope = selectEnvironments(environments, options.environments);
  const rendered = renderAll(environments);
  const files = rendered.filter((f) => scope === undefined || scope.has(f.environment));
  const plan = planWrite({ outDir: out.dir, displayOutDir: out.display, files, scope });
  if (plan.problems.length > 0) throw new InputError(plan.problems);
  applyPlan(plan, options.log ?? (() => {}));
  cache?.save(cacheEntries(environments, rendered));
  return {
    environments: scope?.size ?? environments.valid.length + environments.reused.length,
    files: files.length,
    written: plan.writes.length,
    removed: plan.removals.length,
    unchanged: plan.unchanged,
    outDir: out.display,
  };
}

export interface ValidateReport {
  readonly environments: number;
  readonly objects: number;
}

/** Everything synth checks, writing nothing. Throws an InputError on bad input. */
export function validate(options: ProjectOptions = {}): ValidateReport {
  const { valid } = loadValidEnvironments(openProject(options));
  renderValidEnvironments(valid);
  const objects = valid.reduce((n, e) => n + 1 + (e.definition.releases?.length ?? 0), 0);
  return { environments: valid.length, objects };
}
