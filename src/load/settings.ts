/**
 * Loads the project's settings file (`helmflux.settings.ts` at the project
 * root) the way environment files are loaded: transpiled in memory, so an
 * edit takes effect at the next synth with no build. A project without the
 * file gets the defaults (`NO_SETTINGS`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NO_SETTINGS, resolveSettings, SETTINGS_FILE, type Settings } from '../definition/settings';
import type { Problem } from '../problems';
import { LoadGuard } from './guard';
import { hashBytes, helmfluxModule, ModuleRun, readDefinition } from './loader';

export interface LoadedSettings {
  readonly settings: Settings;
  /**
   * What the settings were made from: sha256 over the settings file and the
   * `.ts` files it imports (empty without a settings file). Every
   * environment depends on it, so the synth cache keys on it.
   */
  readonly key: string;
  /** The absolute paths of the files read (the settings file and what it imports), for `--watch`. */
  readonly files: readonly string[];
  readonly problems: readonly Problem[];
}

/** Loads and checks the settings file of a project root. */
export function loadSettings(root: string): LoadedSettings {
  const filename = path.join(root, SETTINGS_FILE);
  const stat = fs.statSync(filename, { throwIfNoEntry: false });
  if (stat === undefined) return { settings: NO_SETTINGS, key: '', files: [filename], problems: [] };
  if (!stat.isFile()) return failed(filename, 'is not a file', `Make ${SETTINGS_FILE} a file, or remove it to use the defaults.`);
  const display = (file: string) => {
    const relative = path.relative(root, file);
    return relative.startsWith('..') || path.isAbsolute(relative) ? path.basename(file) : relative.split(path.sep).join('/');
  };
  const run = new ModuleRun(helmfluxModule(undefined), display);
  const guard = new LoadGuard();
  const exportFix = "Export the settings: `export default defineSettings({ chartsGitUrl: 'git@github.com:org/charts' })`.";
  const loaded = run.loadTop(filename, guard, (exports) => readDefinition(exports, SETTINGS_FILE, exportFix));
  const changed = guard.changes();
  if (changed.length > 0) {
    return failed(filename, `changed JavaScript's shared built-ins while loading (${changed.join('; ')})`, 'Do not modify built-in objects or define globals in the settings file or what it imports.');
  }
  if ('error' in loaded) {
    return failed(filename, `failed to load: ${loaded.error}`, 'Fix the error in the file (or in what it imports) so that it runs without throwing.');
  }
  if (loaded.value.problems.length > 0) return { settings: NO_SETTINGS, key: '', files: [filename], problems: loaded.value.problems };
  const { settings, problems } = resolveSettings(loaded.value.definition, SETTINGS_FILE);
  const files = [...run.hashes.keys()].sort();
  const key = hashBytes(files.map((f) => `${path.relative(root, f)}\0${run.hashes.get(f)}\0`).join(''));
  return { settings, key, files, problems };
}

function failed(filename: string, message: string, fix: string, field = '(file)'): LoadedSettings {
  return { settings: NO_SETTINGS, key: '', files: [filename], problems: [{ file: SETTINGS_FILE, field, message, fix }] };
}
