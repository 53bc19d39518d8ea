/**
 * Where a chart folder lives for Flux: the git repository (URL) and the
 * chart's path inside it, as the Helm operator will clone and read it. Read
 * with the user's own `git` from the folder's work tree: the path relative to
 * the repository's root (`charts/podinfo`, not `podinfo`), the URL from its
 * `origin` remote, told apart from the settings' `chartsGitUrl` as git would
 * (scp or ssh:// form, `.git` suffix). A URL holding a password is refused.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { urlHasPassword } from '../definition/secret-keys';

/** A chart folder's git location: `url: 'settings'` means the settings' chartsGitUrl. */
export interface ChartLocation {
  readonly url: string | 'settings';
  readonly path: string;
}

/** Why a location cannot be found, for the caller to say with the flag that fixes it. */
export class ChartLocationError extends Error {
  public constructor(
    message: string,
    public readonly fix: string,
  ) {
    super(message);
  }
}

function git(cwd: string, args: readonly string[]): string | undefined {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The repository a git URL names, as `host/owner/repo` (lowercase host, no `.git`, no user): scp, ssh://, https:// forms compare equal. */
export function repositoryIdentity(url: string): string {
  let rest = url.trim().replace(/\/+$/, '').replace(/\.git$/, '');
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.*)$/.exec(rest);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) rest = `${scp[1]}/${scp[2]}`;
  else rest = rest.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/]*@/, '');
  const [host, ...segments] = rest.split('/');
  return [host.replace(/:\d+$/, '').toLowerCase(), ...segments.filter((s) => s !== '')].join('/');
}

/** The git location of a chart folder; `given` overrides what git says. Throws a ChartLocationError when neither can tell. */
export function chartLocation(folder: string, chartsGitUrl: string, given: { readonly git?: string; readonly path?: string }): ChartLocation {
  for (const [flag, url] of [['--git', given.git]] as const) {
    if (url !== undefined && urlHasPassword(url)) throw new ChartLocationError(`${flag} holds a password (user:password@), which would be committed`, 'Give the URL without credentials: Flux reads them from its own configuration.');
  }
  const top = git(folder, ['rev-parse', '--show-toplevel']);
  let chartPath = given.path;
  if (chartPath === undefined) {
    if (top === undefined) throw new ChartLocationError('is not in a git work tree, so its path in the charts repository is unknown', 'Give it with --path (the chart\'s folder in its git repository, e.g. --path charts/web), and --git when it is not the settings\' chartsGitUrl.');
    chartPath = path.relative(fs.realpathSync(top), fs.realpathSync(folder)).split(path.sep).join('/') || '.';
  }
  let url: string | undefined = given.git;
  if (url === undefined && top !== undefined) url = git(top, ['remote', 'get-url', 'origin']);
  if (url === undefined) {
    if (top === undefined && chartsGitUrl !== '') return { url: 'settings', path: chartPath };
    throw new ChartLocationError('has no origin remote, so the repository Flux would clone is unknown', "Give it with --git (e.g. --git git@github.com:org/charts), or add the remote (git remote add origin ...).");
  }
  if (chartsGitUrl !== '' && repositoryIdentity(url) === repositoryIdentity(chartsGitUrl)) return { url: 'settings', path: chartPath };
  if (urlHasPassword(url)) throw new ChartLocationError(`its origin remote holds a password (user:password@), which would be committed`, 'Give the URL without credentials with --git.');
  return { url, path: chartPath };
}
