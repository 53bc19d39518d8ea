/**
 * Where things are: the project root, the environments folder and the output
 * folder, and how each is shown in messages and generated headers. Shown
 * paths never depend on the working directory, so output is the same
 * wherever the CLI is started from.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../problems';

/** The default environments folder, relative to the project root. */
export const DEFAULT_ENVIRONMENTS_DIR = 'environments';
/** The default output folder, relative to the project root. */
export const DEFAULT_OUT_DIR = 'dist';

export interface ProjectOptions {
  /**
   * The folder of environment files, relative to `cwd`.
   * @default - `environments/` of the project root
   */
  readonly environmentsDir?: string;
  /**
   * The working directory, against which relative folders are resolved (see `findProjectRoot` for the project root).
   * @default process.cwd()
   */
  readonly cwd?: string;
  /**
   * The Flux to write for, over the settings' `flux` (`--flux`).
   * @default - the settings' `flux`
   */
  readonly flux?: 'v1' | 'v2';
}

/** A folder, absolute and as shown to the user. */
export interface Place {
  readonly dir: string;
  readonly display: string;
}

/** The nearest folder at or above `dir` holding a `cdk8s.yaml`, if any. */
function findCdk8sFolder(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'cdk8s.yaml'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * The project root: the nearest folder holding `cdk8s.yaml` at or above the
 * environments folder when one is given (so `--environments` names its own
 * project, from any working directory), else at or above `cwd`; else `cwd`.
 */
export function findProjectRoot(cwd: string, environmentsDir?: string): string {
  const fromEnvironments = environmentsDir === undefined ? undefined : findCdk8sFolder(path.resolve(cwd, environmentsDir));
  return fromEnvironments ?? findCdk8sFolder(cwd) ?? path.resolve(cwd);
}

/** A folder given on the command line (or its default), resolved and named for display. */
export function resolvePlace(root: string, cwd: string, given: string | undefined, fallback: string): Place {
  const dir = given === undefined ? path.join(root, fallback) : path.resolve(cwd, given);
  const relative = path.relative(root, dir);
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  // Outside the project only the folder's own name is shown: never a machine-specific path.
  const display = inside ? relative.split(path.sep).join('/') : path.basename(dir);
  return { dir, display };
}

/**
 * Refuses an output path that is a file, and an output folder inside the
 * project that a symbolic link leads out of it: helmflux would write (and
 * delete) files somewhere nobody reviews.
 */
export function checkOutputPlace(root: string, out: Place, flag: string): void {
  const stat = fs.statSync(out.dir, { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isDirectory()) {
    throw new InputError([
      { file: flag, field: out.display, message: 'is not a folder', fix: `Point ${flag} at a folder (it is created if missing).` },
    ]);
  }
  const relative = path.relative(root, out.dir);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return;
  // Inside dist/ (dist/releases, dist/x): Flux applies everything under dist/, so nested copies would be applied twice.
  const inDefault = path.relative(path.join(root, DEFAULT_OUT_DIR), out.dir);
  if (inDefault !== '' && !inDefault.startsWith('..') && !path.isAbsolute(inDefault)) {
    throw new InputError([
      {
        file: flag,
        field: out.display,
        message: `is inside ${DEFAULT_OUT_DIR}/, which Flux applies whole: what synth wrote there would be applied twice`,
        fix: `Leave out ${flag} to write ${DEFAULT_OUT_DIR}/ itself, or point it outside ${DEFAULT_OUT_DIR}/ (e.g. /tmp/preview).`,
      },
    ]);
  }
  let existing = out.dir;
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  const real = path.relative(fs.realpathSync(root), fs.realpathSync(existing));
  if (real.startsWith('..') || path.isAbsolute(real)) {
    throw new InputError([
      {
        file: flag,
        field: out.display,
        message: `leads through a symbolic link out of the project (to ${fs.realpathSync(existing)})`,
        fix: `Point ${flag} at a real folder, or at the outside folder itself if writing there is intended.`,
      },
    ]);
  }
}
