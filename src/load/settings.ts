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
import { describeError, hashBytes, helmfluxModule, ModuleRun } from './loader';

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
  let source: Buffer;
  try {
    source = fs.readFileSync(filename);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { settings: NO_SETTINGS, key: '', files: [filename], problems: [] };
    return failed(filename, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'Make it a readable file.');
  }
  const run = new ModuleRun(helmfluxModule(undefined));
  let exports: unknown;
  try {
    exports = run.load(filename, source.toString('utf8'), hashBytes(source));
  } catch (err) {
    return failed(filename, `failed to load: ${describeError(err, filename)}`, 'Fix the error in the file (or in what it imports) so that it runs without throwing.');
  }
  const exported = exports !== null && typeof exports === 'object' && Object.prototype.hasOwnProperty.call(exports, 'default') ? (exports as { default: unknown }).default : undefined;
  if (exported === undefined) {
    return failed(filename, 'the file has no default export', "Export the settings: `export default defineSettings({ chartsGitUrl: 'git@github.com:org/charts' })`.", '(default export)');
  }
  const { settings, problems } = resolveSettings(exported, SETTINGS_FILE);
  const files = [...run.hashes.keys()].sort();
  const key = hashBytes(files.map((f) => `${path.relative(root, f)}\0${run.hashes.get(f)}\0`).join(''));
  return { settings, key, files, problems };
}

function failed(filename: string, message: string, fix: string, field = '(file)'): LoadedSettings {
  return { settings: NO_SETTINGS, key: '', files: [filename], problems: [{ file: SETTINGS_FILE, field, message, fix }] };
}
