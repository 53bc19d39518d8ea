/**
 * `helmflux chart pull`: fetches every chart source the environments use into
 * `vendor/charts/` and records it in `vendor/charts.lock.json` (vendor.ts).
 *
 * - Git sources are fetched with the user's own `git` (so SSH keys,
 *   credential helpers and `url.<base>.insteadOf` apply), one shallow fetch
 *   per repository URL for all its refs; the chart's folder at the commit each
 *   ref resolved to is read with `git archive`.
 * - Helm repository sources come through the repository's `index.yaml` and the
 *   archive it lists (Node's HTTP(S)), checked against the index's digest.
 * - Everything fetched is untrusted: archives are bounded (charts/tar.ts), no
 *   links are vendored, and a chart is staged and renamed into place whole.
 * - A source already locked is kept as locked (the lock pins what is
 *   reviewed); `update` fetches it again.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { isGitChart, type ChartSource } from '../definition/types';
import { CHART_LIMITS, ChartSourceError, MIB, untarGz, type ArchiveFile } from '../charts/tar';
import { chartPath, describeSource, folderDigest, lockedEntry, lockText, readLock, sourceIdentity, vendorFolder, type Lock, type LockEntry, type VendorSource } from './vendor';
import { InputError } from '../problems';

export interface PullOptions {
  readonly root: string;
  /** The sources the environments use, each with the environment file and field that use it (for errors). */
  readonly sources: readonly { readonly source: VendorSource; readonly file: string; readonly field: string }[];
  /** Fetch sources already locked again (moves the lock). */
  readonly update?: boolean;
  /** Only some environments were asked for: keep the lock's other entries. */
  readonly partial?: boolean;
  readonly progress?: (line: string) => void;
}

export interface PullReport {
  readonly fetched: readonly LockEntry[];
  readonly kept: readonly LockEntry[];
  readonly removed: readonly string[];
}

/** A source as the definition gives it. */
export function vendorSourceOf(chart: ChartSource): VendorSource {
  return isGitChart(chart) ? { git: chart.git, path: chart.path, ref: chart.ref } : { repository: chart.repository, name: chart.name, version: chart.version };
}

export async function pullCharts(options: PullOptions): Promise<PullReport> {
  const { root } = options;
  const progress = options.progress ?? (() => undefined);
  const lock = readLock(root) ?? { charts: [] };
  const wanted = new Map<string, VendorSource>();
  for (const { source } of options.sources) wanted.set(sourceIdentity(source), source);
  const fetched: LockEntry[] = [];
  const kept: LockEntry[] = [];
  const toFetch: VendorSource[] = [];
  for (const source of wanted.values()) {
    const locked = lockedEntry(lock, source);
    if (locked !== undefined && !options.update && fs.existsSync(path.join(root, locked.folder)) && folderDigest(path.join(root, locked.folder), locked.folder) === locked.digest) kept.push(locked);
    else toFetch.push(source);
  }
  // A source that cannot be fetched is a problem of each release using it.
  const failure = (err: unknown, sources: readonly VendorSource[]): unknown => {
    if (!(err instanceof ChartSourceError)) return err;
    const ids = new Set(sources.map(sourceIdentity));
    return new InputError(
      options.sources
        .filter((u) => ids.has(sourceIdentity(u.source)))
        .map((u) => ({
          file: u.file,
          field: u.field,
          message: `${describeSource(u.source)}: ${err.file === describeSource(u.source) ? '' : `${err.file}: `}${err.message}`,
          fix: 'Check the chart source (URL, path, ref or version) and that your git or network reaches it, then run helmflux chart pull again.',
        })),
    );
  };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'helmflux-pull-'));
  try {
    // Git: one fetch per repository URL, for all its refs.
    const byUrl = new Map<string, Extract<VendorSource, { git: string }>[]>();
    for (const source of toFetch) if ('git' in source) byUrl.set(source.git, [...(byUrl.get(source.git) ?? []), source]);
    let n = 0;
    for (const [url, sources] of byUrl) {
      const refs = [...new Set(sources.map((s) => s.ref))];
      progress(`fetching ${url} (${refs.join(', ')})`);
      const repo = path.join(scratch, `git-${n++}`);
      let commits: Map<string, string>;
      try {
        commits = fetchRefs(url, refs, repo, root);
      } catch (err) {
        throw failure(err, sources);
      }
      for (const source of sources) {
        try {
          const commit = commits.get(source.ref)!;
          const folder = chartPath(source.path);
          const archive = gitRun(['--git-dir', repo, 'archive', '--format=tar.gz', commit, '--', folder], root, `the chart folder ${source.path} at ${source.ref}`);
          const prefix = folder === '.' ? '' : `${folder}/`;
          const files = untarGz(archive.stdout, describeSource(source))
            .filter((f) => f.path.startsWith(prefix))
            .map((f) => ({ ...f, path: f.path.slice(prefix.length) }));
          const entry = await place(root, source, files, { commit });
          progress(`vendored ${describeSource(source)} (${commit.slice(0, 12)}) into ${entry.folder}`);
          fetched.push(entry);
        } catch (err) {
          throw failure(err, [source]);
        }
      }
    }
    for (const source of toFetch) {
      if ('git' in source) continue;
      progress(`fetching ${source.repository} ${source.name} ${source.version}`);
      try {
        const { bytes, digest } = await fetchHelmChart(source);
        const top = `${source.name}/`;
        const files = untarGz(bytes, describeSource(source))
          .filter((f) => f.path.startsWith(top))
          .map((f) => ({ ...f, path: f.path.slice(top.length) }));
        const entry = await place(root, source, files, { archiveDigest: digest });
        progress(`vendored ${describeSource(source)} (${digest.slice(0, 19)}) into ${entry.folder}`);
        fetched.push(entry);
      } catch (err) {
        throw failure(err, [source]);
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  // The lock: what was fetched and kept, and (for --env) the other entries as they were.
  const now = new Map<string, LockEntry>();
  if (options.partial) for (const c of lock.charts) now.set(sourceIdentity(c.source), c);
  for (const c of [...kept, ...fetched]) now.set(sourceIdentity(c.source), c);
  const removed: string[] = [];
  for (const c of lock.charts) {
    if (now.has(sourceIdentity(c.source))) continue;
    fs.rmSync(path.join(root, c.folder), { recursive: true, force: true });
    removed.push(c.folder);
  }
  const next: Lock = { charts: [...now.values()] };
  const lockFile = path.join(root, 'vendor', 'charts.lock.json');
  const text = lockText(next);
  if (!fs.existsSync(lockFile) || fs.readFileSync(lockFile, 'utf8') !== text) {
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    fs.writeFileSync(`${lockFile}.tmp`, text);
    fs.renameSync(`${lockFile}.tmp`, lockFile);
  }
  return { fetched, kept, removed };
}

/** Writes a chart's files to a staging folder, then moves it into its vendor folder whole. */
async function place(root: string, source: VendorSource, files: readonly ArchiveFile[], found: { commit?: string; archiveDigest?: string }): Promise<LockEntry> {
  const folder = vendorFolder(source);
  if (!files.some((f) => f.path === 'Chart.yaml')) throw new ChartSourceError(describeSource(source), 'holds no Chart.yaml there: check the path (or chart name) and the ref (or version)');
  const target = path.join(root, folder);
  const staging = `${target}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  for (const file of files) {
    const full = path.join(staging, file.path);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, file.body, { mode: file.executable ? 0o755 : 0o644 });
  }
  let digest: string;
  try {
    await vendorDependencies(staging, source);
    digest = folderDigest(staging, folder);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(staging, target);
  return { source, folder, ...found, digest };
}

/**
 * A chart's dependencies (Chart.yaml `dependencies`) vendored with it: those
 * its `charts/` folder lacks are fetched by `helm dependency build` (with the
 * user's Helm and its repositories), into `charts/` as archives.
 */
async function vendorDependencies(dir: string, source: VendorSource): Promise<void> {
  const { parse } = require('yaml') as typeof import('yaml');
  let chart: { dependencies?: { name?: unknown }[] } | null;
  try {
    chart = parse(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8'), { maxAliasCount: 100 }) as typeof chart;
  } catch (err) {
    throw new ChartSourceError(`${describeSource(source)}: Chart.yaml`, `is not YAML Helm can read (${(err as Error).message.split('\n')[0]})`);
  }
  const charts = path.join(dir, 'charts');
  const present = fs.existsSync(charts) ? fs.readdirSync(charts) : [];
  const missing = (chart?.dependencies ?? []).map((d) => String(d?.name)).filter((name) => !present.some((f) => f === name || (f.startsWith(`${name}-`) && f.endsWith('.tgz'))));
  if (missing.length === 0) return;
  const { findHelm } = require('./helm') as typeof import('./helm');
  const helm = findHelm();
  // Asynchronous: a repository served by this process (as in the tests) must be able to answer.
  const { promisify } = require('node:util') as typeof import('node:util');
  const { execFile } = require('node:child_process') as typeof import('node:child_process');
  try {
    await promisify(execFile)(helm.path, ['dependency', 'build', dir], { timeout: 300_000, maxBuffer: 16 * MIB });
  } catch (err) {
    const why = `${(err as { stderr?: string }).stderr ?? ''}`.split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(-2).join(' ');
    throw new ChartSourceError(describeSource(source), `needs its dependencies ${missing.join(', ')}, which helm dependency build could not fetch (${why || (err as Error).message}): vendor them in the chart's charts/ folder, or make their repositories reachable`);
  }
}

function gitRun(args: readonly string[], cwd: string, what: string): { stdout: Buffer } {
  const result = spawnSync('git', args, { cwd, maxBuffer: CHART_LIMITS.archiveBytes * 2, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  if (result.error) throw new ChartSourceError('git', `cannot run git (${(result.error as NodeJS.ErrnoException).code ?? result.error.message}): install git to pull chart sources`);
  if (result.status !== 0) throw new ChartSourceError(what, `git ${args.find((a) => !a.startsWith('-') && !a.includes('/')) ?? ''} failed: ${result.stderr.toString('utf8').trim().split('\n').slice(-3).join(' ')}`);
  return { stdout: result.stdout };
}

/** Fetches refs of one repository (shallow, one fetch) into a bare repository; the commit each resolved to. */
function fetchRefs(url: string, refs: readonly string[], repo: string, cwd: string): Map<string, string> {
  gitRun(['init', '--quiet', '--bare', repo], cwd, repo);
  const specs = refs.map((ref, i) => `+${ref}:refs/helmflux/${i}`);
  gitRun(['--git-dir', repo, 'fetch', '--quiet', '--no-tags', '--depth=1', '--', url, ...specs], cwd, `${url} (${refs.join(', ')})`);
  const commits = new Map<string, string>();
  refs.forEach((ref, i) => commits.set(ref, gitRun(['--git-dir', repo, 'rev-parse', '--verify', `refs/helmflux/${i}^{commit}`], cwd, `${url} ${ref}`).stdout.toString('utf8').trim()));
  return commits;
}

/** GETs a URL over HTTP(S), bounded in size; follows up to 5 redirects. */
function get(url: string, limit: number, redirects = 5): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : url.startsWith('http:') ? http : undefined;
    if (client === undefined) return reject(new ChartSourceError(url, 'is not an http:// or https:// URL'));
    const request = client.get(url, { timeout: 60_000 }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location && redirects > 0) {
        response.resume();
        return resolve(get(new URL(response.headers.location, url).toString(), limit, redirects - 1));
      }
      if (status !== 200) {
        response.resume();
        return reject(new ChartSourceError(url, `answered HTTP ${status}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          request.destroy();
          reject(new ChartSourceError(url, `is larger than the ${limit / MIB} MiB helmflux fetches`));
        } else chunks.push(chunk);
      });
      response.on('end', () => resolve(Buffer.concat(chunks)));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new ChartSourceError(url, 'did not answer within 60 s')));
    request.on('error', (err) => reject(err instanceof ChartSourceError ? err : new ChartSourceError(url, `cannot be fetched (${(err as NodeJS.ErrnoException).code ?? err.message})`)));
  });
}

/** A Helm repository chart's archive, through the repository's index.yaml, and its sha256. */
async function fetchHelmChart(source: Extract<VendorSource, { repository: string }>): Promise<{ bytes: Buffer; digest: string }> {
  const base = source.repository.replace(/\/+$/, '') + '/';
  const { parse } = require('yaml') as typeof import('yaml');
  const indexUrl = new URL('index.yaml', base).toString();
  let index: { entries?: Record<string, { version?: string; urls?: string[]; digest?: string }[]> };
  try {
    index = parse((await get(indexUrl, 64 * MIB)).toString('utf8'), { maxAliasCount: 100 }) as typeof index;
  } catch (err) {
    if (err instanceof ChartSourceError) throw err;
    throw new ChartSourceError(indexUrl, `is not a Helm repository index (${(err as Error).message.split('\n')[0]})`);
  }
  const entry = index?.entries?.[source.name]?.find((e) => String(e.version) === source.version);
  if (entry === undefined) throw new ChartSourceError(indexUrl, `lists no chart ${source.name} at version ${source.version}`);
  const archiveUrl = entry.urls?.[0];
  if (typeof archiveUrl !== 'string') throw new ChartSourceError(indexUrl, `lists ${source.name} ${source.version} without a URL`);
  const bytes = await get(new URL(archiveUrl, base).toString(), CHART_LIMITS.archiveBytes);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (typeof entry.digest === 'string' && entry.digest !== '' && entry.digest.replace(/^sha256:/, '') !== sha) {
    throw new ChartSourceError(archiveUrl, `has sha256 ${sha}, not the digest ${entry.digest} its repository's index lists: refused`);
  }
  return { bytes, digest: `sha256:${sha}` };
}
