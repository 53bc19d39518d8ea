/**
 * Shared test helpers: temporary projects and running the real CLI.
 * Tests are compiled with the sources (lib/test/*.js) and run by `node --test lib/test/`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root (tests run from lib/test/). */
export const REPO = path.resolve(__dirname, '..', '..');
/** The helmflux executable. */
export const BIN = path.join(REPO, 'bin', 'helmflux.js');
/** The seed repository's reference files, copied into the repository (test/fixtures/reference/SOURCES.md). */
export const REFERENCE = path.join(REPO, 'test', 'fixtures', 'reference', 'helmflux');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/helmflux.js ...args` and waits for it. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temporary folder, removed when the process exits. */
export function tempDir(prefix = 'helmflux-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A temporary project: a `cdk8s.yaml` (so it is its own project root), an
 * `environments/` folder with the given files, and an empty `dist/`.
 */
export function tempProject(environments: Record<string, string>): { root: string; environments: string; dist: string } {
  const root = tempDir();
  fs.writeFileSync(path.join(root, 'cdk8s.yaml'), 'language: typescript\napp: node -e 0\n');
  const envDir = path.join(root, 'environments');
  fs.mkdirSync(envDir);
  for (const [name, text] of Object.entries(environments)) fs.writeFileSync(path.join(envDir, name), text);
  const dist = path.join(root, 'dist');
  fs.mkdirSync(dist);
  return { root, environments: envDir, dist };
}

/** The seed's environment files (name -> text). */
export function seedEnvironments(): Record<string, string> {
  const dir = path.join(REPO, 'environments');
  return Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/**
 * A temporary project of the seed: its environments (plus `extra` files), and
 * what they import from the repository, the settings file and `common/`.
 */
export function seedProject(extra: Record<string, string> = {}): ReturnType<typeof tempProject> {
  return withSeedShared(tempProject({ ...seedEnvironments(), ...extra }));
}

/** Copies the seed's settings file and `common/` into a temporary project. */
export function withSeedShared<P extends { root: string }>(project: P): P {
  fs.copyFileSync(path.join(REPO, 'helmflux.settings.ts'), path.join(project.root, 'helmflux.settings.ts'));
  fs.cpSync(path.join(REPO, 'common'), path.join(project.root, 'common'), { recursive: true });
  return project;
}

/** An environment file's text from a definition literal (JSON is valid TypeScript). */
export function environmentSource(definition: unknown): string {
  return `import { defineEnvironment } from 'helmflux';\n\nexport default defineEnvironment(${JSON.stringify(definition, null, 2)});\n`;
}

/** Every file under a folder (relative POSIX path -> bytes and mtime), for "nothing changed" checks. */
export function snapshotTree(dir: string): Map<string, { bytes: string; mtimeMs: number }> {
  const out = new Map<string, { bytes: string; mtimeMs: number }>();
  const walk = (d: string, prefix: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, e.name);
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(full, rel);
      else if (e.isSymbolicLink()) out.set(rel, { bytes: `-> ${fs.readlinkSync(full)}`, mtimeMs: fs.lstatSync(full).mtimeMs });
      else out.set(rel, { bytes: fs.readFileSync(full, 'latin1'), mtimeMs: fs.lstatSync(full).mtimeMs });
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  return out;
}

/** Runs git in a folder, as a user with no global configuration; returns its output (throws on failure). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_GLOBAL: '/dev/null' },
  });
}
