/**
 * Real Helm: found at `HELMFLUX_HELM` or as `helm` on the PATH (Helm 3 or 4),
 * run as `helm template`. helmflux never imitates it.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../problems';

export interface Helm {
  readonly path: string;
  /** `v4.1.4`. */
  readonly version: string;
}

const INSTALL = 'Install Helm 3 or 4 (https://helm.sh/docs/intro/install/) so that `helm` is on the PATH, or point HELMFLUX_HELM at its binary.';

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const full = path.join(dir, name);
    try {
      fs.accessSync(full, fs.constants.X_OK);
      if (fs.statSync(full).isFile()) return full;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The Helm to run; an InputError (exit 2) saying how to install it when there is none. */
export function findHelm(): Helm {
  const given = process.env.HELMFLUX_HELM;
  const found = given !== undefined && given !== '' ? given : onPath('helm');
  if (found === undefined) throw new InputError([{ file: 'helm', field: '(PATH)', message: 'is not installed: rendering charts runs real Helm', fix: INSTALL }]);
  const result = spawnSync(found, ['version', '--template', '{{.Version}}'], { encoding: 'utf8', timeout: 30_000 });
  const version = result.stdout?.trim() ?? '';
  if (result.error || result.status !== 0 || !/^v[34]\.\d+\.\d+/.test(version)) {
    const why = result.error ? ((result.error as NodeJS.ErrnoException).code ?? result.error.message) : version === '' ? result.stderr?.trim() : `version ${version}`;
    throw new InputError([{ file: given ? 'HELMFLUX_HELM' : 'helm', field: found, message: `is not a Helm 3 or 4 helmflux can run (${why})`, fix: INSTALL }]);
  }
  return { path: found, version };
}

/** Runs helm with arguments; resolves with its stdout, or rejects with its stderr's last lines. */
export function runHelm(helm: Helm, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(helm.path, args, { cwd, env: { ...process.env, HELM_CACHE_HOME: path.join(cwd, '.helm-cache'), HELM_CONFIG_HOME: path.join(cwd, '.helm-config'), HELM_DATA_HOME: path.join(cwd, '.helm-data') } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new Error(`cannot run ${helm.path}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else {
        const lines = Buffer.concat(err).toString('utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^Use --debug flag/.test(l));
        reject(new Error(lines.slice(-4).join(' ').replace(/^Error: /, '') || `helm exited with ${code}`));
      }
    });
  });
}

/** Runs tasks with at most `limit` at once, keeping their order in the results. */
export async function inParallel<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
