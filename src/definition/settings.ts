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
import { closest } from '../suggest';
import { urlHasPassword } from './secret-keys';

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

  /**
   * Which Flux the output is for: `v1` (Flux v1 and the Helm operator:
   * helm.fluxcd.io/v1 HelmReleases with automation annotations) or `v2`
   * (the Flux v2 toolkit: helm.toolkit.fluxcd.io/v2 HelmReleases, source and
   * image automation objects, a kustomization.yaml). `--flux` overrides it for one command.
   * @default 'v1'
   */
  readonly flux: FluxTarget;

  /**
   * Flux v2: the GitOps repository Flux syncs this output from: its URL, the
   * branch, and the output folder's path in it. Image automation pushes its
   * commits there. Required under `flux: 'v2'` when a release is automated.
   * @default - none
   */
  readonly gitops?: GitOpsRepository;

  /**
   * Flux v2: the name of the GitRepository (in `fluxNamespace`) Flux syncs the
   * GitOps repository with; `flux bootstrap` names it `flux-system`. Image
   * automation checks out and pushes through it.
   * @default 'flux-system'
   */
  readonly gitopsSource: string;

  /**
   * Flux v2: the Secret (in `fluxNamespace`) holding the SSH deploy key for
   * git repositories, which every chart GitRepository with an `ssh://` URL
   * references; `flux bootstrap` names it `flux-system`.
   * @default 'flux-system'
   */
  readonly deployKeySecret: string;

  /**
   * Flux v2: the author of the commits image automation makes.
   * @default { name: 'fluxcdbot', email: 'fluxcdbot@users.noreply.github.com' }
   */
  readonly imageUpdateAuthor: { readonly name: string; readonly email: string };

  /**
   * The Kubernetes version (`major.minor`) of the cluster Flux applies to:
   * `helmflux render` renders charts for it (`helm template --kube-version`
   * and the API versions it serves) and `validate --rendered` checks the
   * rendered objects against what it serves.
   * @default '1.33'
   */
  readonly kubernetesVersion: string;
}

/** The Flux a repository's output is for. */
export type FluxTarget = 'v1' | 'v2';

/** The GitOps repository Flux v2 syncs. */
export interface GitOpsRepository {
  /** Its git URL, e.g. `ssh://git@github.com/org/fleet` or `git@github.com:org/fleet`. */
  readonly url: string;
  /** The branch Flux syncs and image automation pushes to, e.g. `main`. */
  readonly branch: string;
  /** The output folder's path in the repository, e.g. `dist` (what `--path` of `flux bootstrap` and the Kustomization say). */
  readonly path: string;
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
  /**
   * @see Settings.flux
   * @default 'v1'
   */
  readonly flux?: FluxTarget;
  /** @see Settings.gitops */
  readonly gitops?: GitOpsRepository;
  /**
   * @see Settings.gitopsSource
   * @default 'flux-system'
   */
  readonly gitopsSource?: string;
  /**
   * @see Settings.deployKeySecret
   * @default 'flux-system'
   */
  readonly deployKeySecret?: string;
  /**
   * @see Settings.imageUpdateAuthor
   * @default { name: 'fluxcdbot', email: 'fluxcdbot@users.noreply.github.com' }
   */
  readonly imageUpdateAuthor?: { readonly name: string; readonly email: string };
  /**
   * @see Settings.kubernetesVersion
   * @default '1.33'
   */
  readonly kubernetesVersion?: string;
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
  const known = ['chartsGitUrl', 'fluxNamespace', 'fluxGarbageCollection', 'flux', 'gitops', 'gitopsSource', 'deployKeySecret', 'imageUpdateAuthor', 'kubernetesVersion'];
  for (const key of Object.keys(exported)) {
    if (known.includes(key)) continue;
    const guess = closest(key, known);
    add(key, 'is not a known setting', `${guess ? `Did you mean ${guess}? ` : ''}Remove it or correct its spelling; the settings are ${known.join(', ')}. Values that environments share belong in a module of common/.`);
  }
  const chartsGitUrl = own('chartsGitUrl');
  if (chartsGitUrl === undefined) add('chartsGitUrl', 'is required', 'Add the git URL your charts come from, e.g. "git@github.com:org/charts".');
  else if (typeof chartsGitUrl !== 'string' || !GIT_URL.test(chartsGitUrl)) {
    add('chartsGitUrl', `${shown(chartsGitUrl)} is not a git URL`, 'Use an SSH or URL form, e.g. "git@github.com:org/repo" or "https://github.com/org/repo".');
  } else if (urlHasPassword(chartsGitUrl)) add('chartsGitUrl', 'holds a password (user:password@), and the settings are committed to git', 'Remove the credentials from the URL: Flux and git get them from their own configuration (a deploy key, a credential helper).');
  const fluxNamespace = own('fluxNamespace') ?? DEFAULT_FLUX_NAMESPACE;
  if (typeof fluxNamespace !== 'string' || fluxNamespace.length > 63 || !DNS_LABEL.test(fluxNamespace)) {
    add('fluxNamespace', `${shown(fluxNamespace)} is not a namespace name`, 'Use the namespace Flux runs in, e.g. "fluxcd": at most 63 lowercase letters, digits and "-".');
  }
  const fluxGarbageCollection = own('fluxGarbageCollection') ?? false;
  if (typeof fluxGarbageCollection !== 'boolean') {
    add('fluxGarbageCollection', `must be true or false (got ${shown(fluxGarbageCollection)})`, "Say whether the Flux daemon runs with --sync-garbage-collection (Flux v1's default: false).");
  }
  const flux = own('flux') ?? 'v1';
  if (flux !== 'v1' && flux !== 'v2') add('flux', `${shown(flux)} is not a Flux version helmflux writes for`, 'Use "v1" (Flux v1 and the Helm operator) or "v2" (the Flux v2 toolkit).');
  const gitops = own('gitops');
  let gitopsRepository: GitOpsRepository | undefined;
  if (gitops !== undefined) {
    const field = (key: string): unknown => (gitops !== null && typeof gitops === 'object' && Object.prototype.hasOwnProperty.call(gitops, key) ? (gitops as Record<string, unknown>)[key] : undefined);
    if (gitops === null || typeof gitops !== 'object' || Array.isArray(gitops)) add('gitops', `must be an object (got ${shown(gitops)})`, "Give the repository Flux syncs: { url: 'ssh://git@github.com/org/fleet', branch: 'main', path: 'dist' }.");
    else {
      for (const key of Object.keys(gitops)) if (!['url', 'branch', 'path'].includes(key)) add(`gitops.${key}`, 'is not a known field', 'The fields are url, branch and path.');
      const [url, branch, repoPath] = [field('url'), field('branch'), field('path')];
      if (typeof url !== 'string' || !GIT_URL.test(url)) add('gitops.url', `${shown(url)} is not a git URL`, 'Use the URL Flux syncs from, e.g. "ssh://git@github.com/org/fleet" or "git@github.com:org/fleet".');
      else if (urlHasPassword(url)) add('gitops.url', 'holds a password (user:password@), and the settings are committed to git', 'Remove the credentials from the URL: Flux reads them from the Secret gitopsSource names.');
      const branchProblem = typeof branch === 'string' ? refNameProblem(branch) : 'is not a string';
      if (branchProblem !== undefined) add('gitops.branch', `${shown(branch)} is not a branch name git accepts: ${branchProblem}`, 'Use the branch Flux syncs, e.g. "main".');
      if (typeof repoPath !== 'string' || repoPath === '' || repoPath.startsWith('/') || /(^|\/)\.\.(\/|$)/.test(repoPath) || /[\s\p{Cc}]/u.test(repoPath)) {
        add('gitops.path', `${shown(repoPath)} is not a path inside the repository`, 'Use the output folder relative to the repository root, e.g. "dist" (no leading "/", no "..").');
      }
      if (typeof url === 'string' && typeof branch === 'string' && typeof repoPath === 'string') gitopsRepository = Object.freeze({ url, branch, path: repoPath.replace(/^\.\//, '').replace(/\/$/, '') });
    }
  }
  const name = (key: string, fallback: string): string => {
    const value = own(key) ?? fallback;
    if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
      add(key, `${shown(value)} is not an object name`, `Use a Kubernetes object name (lowercase letters, digits, "-" and "."), e.g. "${fallback}".`);
      return fallback;
    }
    return value;
  };
  const gitopsSource = name('gitopsSource', DEFAULT_GITOPS_SOURCE);
  const deployKeySecret = name('deployKeySecret', DEFAULT_DEPLOY_KEY_SECRET);
  const author = own('imageUpdateAuthor') ?? DEFAULT_AUTHOR;
  const authorName = (author as { name?: unknown } | null)?.name;
  const authorEmail = (author as { email?: unknown } | null)?.email;
  // A line break or control character in a commit author would end the header line of every commit Flux makes.
  if (author === null || typeof author !== 'object' || typeof authorName !== 'string' || authorName === '' || /[\p{Cc}<>]/u.test(authorName) || typeof authorEmail !== 'string' || !/^[^\s@<>]+@[^\s@<>]+$/.test(authorEmail) || Object.keys(author).some((k) => k !== 'name' && k !== 'email')) {
    add('imageUpdateAuthor', `${shown(author)} is not a commit author`, "Give { name: 'fluxcdbot', email: 'fluxcdbot@users.noreply.github.com' }: a name and an e-mail address.");
  }
  const kubernetesVersion = own('kubernetesVersion') ?? DEFAULT_KUBERNETES_VERSION;
  if (typeof kubernetesVersion !== 'string' || !/^1\.(\d|[1-9]\d)$/.test(kubernetesVersion)) {
    add('kubernetesVersion', `${shown(kubernetesVersion)} is not a Kubernetes minor version`, `Give the cluster's version as "major.minor", e.g. "${DEFAULT_KUBERNETES_VERSION}" (kubectl version shows it).`);
  }
  const settings: Settings = Object.freeze({
    chartsGitUrl: typeof chartsGitUrl === 'string' ? chartsGitUrl : '',
    fluxNamespace: typeof fluxNamespace === 'string' ? fluxNamespace : DEFAULT_FLUX_NAMESPACE,
    fluxGarbageCollection: fluxGarbageCollection === true,
    flux: flux === 'v2' ? 'v2' : 'v1',
    ...(gitopsRepository ? { gitops: gitopsRepository } : {}),
    gitopsSource,
    deployKeySecret,
    imageUpdateAuthor: typeof authorName === 'string' && typeof authorEmail === 'string' ? Object.freeze({ name: authorName, email: authorEmail }) : DEFAULT_AUTHOR,
    kubernetesVersion: typeof kubernetesVersion === 'string' && /^1\.(\d|[1-9]\d)$/.test(kubernetesVersion) ? kubernetesVersion : DEFAULT_KUBERNETES_VERSION,
  });
  return { settings, problems };
}

/**
 * Why git refuses a branch name (git check-ref-format, for `refs/heads/<name>`), or undefined:
 * no `..`, `@{`, control characters, space, `~ ^ : ? * [ \\`; no component starting
 * with `.` or ending with `.lock`; no leading `-` or `/`, no trailing `/` or `.`, no `//`; not `@`.
 */
export function refNameProblem(name: string): string | undefined {
  if (name === '' || name === '@') return 'it is empty or "@"';
  if (name.includes('..')) return 'it holds ".."';
  if (name.includes('@{')) return 'it holds "@{"';
  if (/[\p{Cc}\s~^:?*[\\]/u.test(name)) return 'it holds a space, control character or one of ~ ^ : ? * [ \\';
  if (name.startsWith('-')) return 'it starts with "-"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'it starts or ends with "/", or holds "//"';
  if (name.endsWith('.')) return 'it ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `its part "${part}" starts with "."`;
    if (part.endsWith('.lock')) return `its part "${part}" ends with ".lock"`;
  }
  return undefined;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DEFAULT_GITOPS_SOURCE = 'flux-system';
export const DEFAULT_DEPLOY_KEY_SECRET = 'flux-system';
/** The Kubernetes minor rendering and `validate --rendered` assume without a `kubernetesVersion` setting. */
export const DEFAULT_KUBERNETES_VERSION = '1.33';
export const DEFAULT_AUTHOR = Object.freeze({ name: 'fluxcdbot', email: 'fluxcdbot@users.noreply.github.com' });

/** The settings of a project without a settings file. */
export const NO_SETTINGS: Settings = Object.freeze({
  chartsGitUrl: '',
  fluxNamespace: DEFAULT_FLUX_NAMESPACE,
  fluxGarbageCollection: false,
  flux: 'v1',
  gitopsSource: DEFAULT_GITOPS_SOURCE,
  deployKeySecret: DEFAULT_DEPLOY_KEY_SECRET,
  imageUpdateAuthor: DEFAULT_AUTHOR,
  kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
});
