/**
 * Repository settings: what every environment of a repository shares, in a
 * file the user owns at the project root, `helmflux.settings.ts`:
 *
 * ```ts
 * import { defineSettings } from 'helmflux';
 * export default defineSettings({ chartsGitUrl: 'git@github.com:org/charts', fluxNamespace: 'fluxcd' });
 * ```
 *
 * It is loaded like an environment file (transpiled in memory, no build), so
 * a change takes effect at the next synth. Environment files read the result
 * as `import { settings } from 'helmflux'`.
 */
import type { Problem } from '../problems';

/** The settings file, relative to the project root. */
export const SETTINGS_FILE = 'helmflux.settings.ts';

/** The settings as environment files and helmflux read them, defaults applied. */
export interface Settings {
  /**
   * The git repository the charts of this repository's releases come from
   * (the Helm operator clones it with Flux's deploy key), e.g.
   * `git@github.com:org/charts`. Environment files use it as
   * `chart: { git: settings.chartsGitUrl, path, ref }`.
   */
  readonly chartsGitUrl: string;

  /**
   * The namespace Flux and the Helm operator run in. No environment may use it.
   * @default 'fluxcd'
   */
  readonly fluxNamespace: string;

  /**
   * Whether Flux's garbage collection is on (the daemon's `--sync-garbage-collection`):
   * then Flux deletes from the cluster what it applied from a file that is gone
   * (a removed HelmRelease is uninstalled, a removed Namespace deleted with
   * everything in it). Off by default in Flux v1: a removed object stays in the
   * cluster, orphaned. `helmflux diff` words what a removal does by it.
   * @default false
   */
  readonly fluxGarbageCollection: boolean;
}

/** What `helmflux.settings.ts` exports: `Settings`, with defaulted fields optional. */
export interface SettingsDefinition {
  /** @see Settings.chartsGitUrl */
  readonly chartsGitUrl: string;
  /**
   * @see Settings.fluxNamespace
   * @default 'fluxcd'
   */
  readonly fluxNamespace?: string;
  /**
   * @see Settings.fluxGarbageCollection
   * @default false
   */
  readonly fluxGarbageCollection?: boolean;
}

/**
 * Declares the repository settings. It returns its argument unchanged: its use
 * is the type, which gives an editor completion and documentation.
 */
export function defineSettings(settings: SettingsDefinition): SettingsDefinition {
  return settings;
}

/** The defaults, also used when a project has no settings file. */
export const DEFAULT_FLUX_NAMESPACE = 'fluxcd';

/** A value as shown in a message, whatever it is (JSON.stringify throws on a BigInt). */
function shown(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  return `a ${Array.isArray(value) ? 'list' : typeof value}`;
}

const GIT_URL = /^(([A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s:]\S*)|((ssh|git|https?):\/\/\S+))$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks what the settings file exported and applies the defaults. Reads own
 * properties only; the result is plain frozen data.
 */
export function resolveSettings(exported: unknown, file: string): { settings: Settings; problems: Problem[] } {
  const problems: Problem[] = [];
  const add = (field: string, message: string, fix: string) => problems.push({ file, field, message, fix });
  const own = (key: string): unknown =>
    exported !== null && typeof exported === 'object' && Object.prototype.hasOwnProperty.call(exported, key)
      ? (exported as Record<string, unknown>)[key]
      : undefined;
  if (exported === null || typeof exported !== 'object' || Array.isArray(exported)) {
    add('(default export)', `must be an object (got ${exported === null ? 'null' : Array.isArray(exported) ? 'an array' : typeof exported})`, "Export the settings: `export default defineSettings({ chartsGitUrl: 'git@github.com:org/charts' })`.");
    return { settings: NO_SETTINGS, problems };
  }
  const known = ['chartsGitUrl', 'fluxNamespace', 'fluxGarbageCollection'];
  for (const key of Object.keys(exported)) {
    if (!known.includes(key)) add(key, 'is not a known setting', `Remove it or correct its spelling; the settings are ${known.join(', ')}. Values that environments share belong in a module of common/.`);
  }
  const chartsGitUrl = own('chartsGitUrl');
  if (chartsGitUrl === undefined) add('chartsGitUrl', 'is required', 'Add the git URL your charts come from, e.g. "git@github.com:org/charts".');
  else if (typeof chartsGitUrl !== 'string' || !GIT_URL.test(chartsGitUrl)) {
    add('chartsGitUrl', `${shown(chartsGitUrl)} is not a git URL`, 'Use an SSH or URL form, e.g. "git@github.com:org/repo" or "https://github.com/org/repo".');
  }
  const fluxNamespace = own('fluxNamespace') ?? DEFAULT_FLUX_NAMESPACE;
  if (typeof fluxNamespace !== 'string' || fluxNamespace.length > 63 || !DNS_LABEL.test(fluxNamespace)) {
    add('fluxNamespace', `${shown(fluxNamespace)} is not a namespace name`, 'Use the namespace Flux runs in, e.g. "fluxcd": at most 63 lowercase letters, digits and "-".');
  }
  const fluxGarbageCollection = own('fluxGarbageCollection') ?? false;
  if (typeof fluxGarbageCollection !== 'boolean') {
    add('fluxGarbageCollection', `must be true or false (got ${shown(fluxGarbageCollection)})`, "Say whether the Flux daemon runs with --sync-garbage-collection (Flux v1's default: false).");
  }
  const settings: Settings = Object.freeze({
    chartsGitUrl: typeof chartsGitUrl === 'string' ? chartsGitUrl : '',
    fluxNamespace: typeof fluxNamespace === 'string' ? fluxNamespace : DEFAULT_FLUX_NAMESPACE,
    fluxGarbageCollection: fluxGarbageCollection === true,
  });
  return { settings, problems };
}

/** The settings of a project without a settings file. */
export const NO_SETTINGS: Settings = Object.freeze({ chartsGitUrl: '', fluxNamespace: DEFAULT_FLUX_NAMESPACE, fluxGarbageCollection: false });
