/**
 * ruamel.yaml, which Flux v1 rewrites committed files with (its kubeyaml
 * helper), for tests: Debian's python3-ruamel.yaml under the system Python.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO } from './helpers';

const PYTHON = '/usr/bin/python3';

/**
 * Whether to skip ruamel.yaml tests: only outside CI, when the package is
 * missing. In CI (CI=true) a missing ruamel.yaml fails the tests instead.
 */
export function skipRuamel(): string | false {
  if (spawnSync(PYTHON, ['-c', 'import ruamel.yaml']).status === 0) return false;
  if (process.env.CI) throw new Error("ruamel.yaml is missing: install Debian's python3-ruamel.yaml (.ci/run does)");
  return "ruamel.yaml is missing (apt-get install python3-ruamel.yaml)";
}

/** Rewrites a HelmRelease file as Flux v1's auto-release does, setting the image of a container (`chart-image` by default). */
export function fluxV1Rewrite(file: string, release: string, repository: string, tag: string, container = 'chart-image'): void {
  execFileSync(PYTHON, [path.join(REPO, 'test', 'ruamel', 'flux_v1_rewrite.py'), file, release, repository, tag, container], { stdio: ['ignore', 'ignore', 'inherit'] });
}
