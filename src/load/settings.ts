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
import { guardedRead, hashBytes, helmfluxModule, loadFailure, loadTranspiler, ModuleRun, type readDefinition } from './loader';

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
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(filename, { throwIfNoEntry: false });
  } catch (err) {
    // A link that loops (ELOOP), a folder in the path that is a file (ENOTDIR), no permission (EACCES): the user's to fix.
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return failed(filename, `cannot be read (${code}${code === 'ELOOP' ? ': a symbolic link that loops' : ''})`, `Make ${SETTINGS_FILE} a readable file, or remove it to use the defaults.`);
  }
  if (stat === undefined) {
    // A dangling symbolic link is not "no settings": the user meant a file there.
    if (fs.lstatSync(filename, { throwIfNoEntry: false })?.isSymbolicLink()) return failed(filename, 'is a symbolic link to nothing', `Point it at the settings file, or remove it to use the defaults.`);
    return { settings: NO_SETTINGS, key: '', files: [filename], problems: [] };
  }
  if (!stat.isFile()) return failed(filename, 'is not a file', `Make ${SETTINGS_FILE} a file, or remove it to use the defaults.`);
  const display = (file: string) => {
    const relative = path.relative(root, file);
    return relative.startsWith('..') || path.isAbsolute(relative) ? path.basename(file) : relative.split(path.sep).join('/');
  };
  const run = new ModuleRun(helmfluxModule(undefined), display);
  const exportFix = "Export the settings: `export default defineSettings({ chartsGitUrl: 'git@github.com:org/charts' })`.";
  loadTranspiler(); // before the guard's baseline
  const [outcome] = new LoadGuard().runAll([filename], (file) => guardedRead(run, file, SETTINGS_FILE, exportFix));
  const failure = loadFailure(outcome, run, SETTINGS_FILE);
  if (failure) return { settings: NO_SETTINGS, key: '', files: [filename], problems: [failure] };
  const loaded = outcome as { value: ReturnType<typeof readDefinition> };
  if (loaded.value.problems.length > 0) return { settings: NO_SETTINGS, key: '', files: [filename], problems: loaded.value.problems };
  const { settings, problems } = resolveSettings(loaded.value.definition, SETTINGS_FILE);
  const files = [...run.hashes.keys()].sort();
  const key = hashBytes(files.map((f) => `${path.relative(root, f)}\0${run.hashes.get(f)}\0`).join(''));
  return { settings, key, files, problems };
}

function failed(filename: string, message: string, fix: string, field = '(file)'): LoadedSettings {
  return { settings: NO_SETTINGS, key: '', files: [filename], problems: [{ file: SETTINGS_FILE, field, message, fix }] };
}
