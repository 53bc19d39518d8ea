/**
 * The path every command shares: environment files -> loaded definitions ->
 * validated definitions -> rendered files. Commands add only what they do
 * with the result.
 */
import { loadEnvironments } from './loader';
import { InputError } from './problems';
import { findProjectRoot, resolvePlace, DEFAULT_ENVIRONMENTS_DIR, type Place, type ProjectOptions } from './project';
import type { RenderedFile } from './render';
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

/** Loads and validates every environment; throws an InputError listing all problems. */
export function loadValidEnvironments(project: Project): ValidEnvironment[] {
  const loaded = loadEnvironments({ dir: project.environments.dir, displayDir: project.environments.display });
  const checked = validateEnvironments(loaded.environments);
  const problems = [...loaded.problems, ...checked.problems];
  if (problems.length > 0) throw new InputError(problems);
  return checked.valid;
}

/** Renders validated environments; throws an InputError if any object fails its upstream schema. */
export function renderValidEnvironments(valid: readonly ValidEnvironment[]): RenderedFile[] {
  // Loaded here, not at the top: `list` never renders and never pays for cdk8s.
  const { renderEnvironments } = require('./render') as typeof import('./render');
  const result = renderEnvironments(valid);
  if (result.problems.length > 0) throw new InputError(result.problems);
  return result.files;
}

/** Checks `--env` names against the environments; returns the selected set (undefined: all). */
export function selectEnvironments(valid: readonly ValidEnvironment[], names: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (names === undefined || names.length === 0) return undefined;
  const known = new Set(valid.map((e) => e.name));
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
