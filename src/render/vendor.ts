/**
 * The vendored charts: `vendor/charts/<folder>/` holds each chart source the
 * environments use, as `helmflux chart pull` fetched it, and
 * `vendor/charts.lock.json` records per source what was fetched (the commit
 * a git ref resolved to, a Helm repository archive's digest) and a digest of
 * the vendored files. Rendering reads charts from here only, offline.
 *
 * A source is known by its identity: a git source by its repository (as git
 * compares URLs: scp, ssh:// and https:// forms, `.git` suffix), the chart's
 * path and the ref; a Helm repository source by its URL, chart name and
 * version. Its folder is readable words and a hash of that identity, so two
 * sources never share one.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repositoryIdentity } from '../charts/location';
import { CHART_LIMITS, ChartSourceError, MIB } from '../charts/tar';
import { compareCodePoints } from '../order';
import { InputError } from '../problems';

export const VENDOR_DIR = 'vendor/charts';
export const LOCK_FILE = 'vendor/charts.lock.json';

/** A chart source as rendering needs it: from an environment's definition or an output folder's HelmRelease. */
export type VendorSource = { readonly git: string; readonly path: string; readonly ref: string } | { readonly repository: string; readonly name: string; readonly version: string };

/** One locked source. */
export interface LockEntry {
  readonly source: VendorSource;
  /** The folder holding the chart, relative to the project root (`vendor/charts/...`). */
  readonly folder: string;
  /** A git source: the commit its ref resolved to when pulled. */
  readonly commit?: string;
  /** A Helm repository source: `sha256:` of the archive fetched. */
  readonly archiveDigest?: string;
  /** `sha256:` over the vendored files (`folderDigest`). */
  readonly digest: string;
}

export interface Lock {
  readonly charts: readonly LockEntry[];
}

/** A chart's folder in its git repository as git names it: no leading `./`, no trailing `/`, `.` for the root. */
export function chartPath(given: string): string {
  return given.replace(/^\.\/+|\/+$/g, '') || '.';
}

/** The identity of a source: equal for two spellings of one source, different for two sources. */
export function sourceIdentity(source: VendorSource): string {
  if ('git' in source) return JSON.stringify(['git', repositoryIdentity(source.git), chartPath(source.path), source.ref]);
  return JSON.stringify(['helm', source.repository.replace(/\/+$/, ''), source.name, source.version]);
}

/** The folder a source is vendored in, relative to the project root. */
export function vendorFolder(source: VendorSource): string {
  const words = 'git' in source ? [repositoryIdentity(source.git).split('/').pop() ?? '', source.path.split('/').pop() ?? '', source.ref] : [source.name, source.version];
  const slug = words.join('-').toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 60) || 'chart';
  const hash = createHash('sha256').update(sourceIdentity(source)).digest('hex').slice(0, 8);
  return `${VENDOR_DIR}/${slug}--${hash}`;
}

/** How a source is shown: `git@github.com:org/charts//web@main`, `https://charts.example.com redis 1.2.3`. */
export function describeSource(source: VendorSource): string {
  return 'git' in source ? `${source.git}//${source.path}@${source.ref}` : `${source.repository} ${source.name} ${source.version}`;
}

/** Whether a project has pulled charts (a lock file), without reading it. */
export function hasLock(root: string): boolean {
  return fs.existsSync(path.join(root, LOCK_FILE));
}

/** What `diff` says of rendered changes in a project without pulled charts. */
export const NO_CHARTS_PULLED = 'no charts are pulled: run helmflux chart pull (and commit vendor/) to see what each change does to the objects the charts render';

/** The lock of a project, or undefined when it has none. Throws a ChartSourceError when it cannot be read. */
export function readLock(root: string): Lock | undefined {
  const file = path.join(root, LOCK_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ChartSourceError(LOCK_FILE, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ChartSourceError(LOCK_FILE, 'is not JSON (a bad merge?): run helmflux chart pull to write it again');
  }
  const charts = (data as { charts?: unknown } | null)?.charts;
  const isSource = (v: unknown): boolean => {
    const o = v as Record<string, unknown> | null;
    if (o === null || typeof o !== 'object') return false;
    const strings = (...keys: string[]) => keys.every((k) => typeof o[k] === 'string');
    return strings('git', 'path', 'ref') || strings('repository', 'name', 'version');
  };
  if (!Array.isArray(charts) || charts.some((c) => typeof c?.folder !== 'string' || typeof c?.digest !== 'string' || !isSource(c?.source))) {
    throw new ChartSourceError(LOCK_FILE, 'is not a helmflux chart lock: run helmflux chart pull to write it again');
  }
  for (const c of charts as LockEntry[]) {
    if (c.folder !== vendorFolder(c.source)) throw new ChartSourceError(LOCK_FILE, `names the folder ${c.folder} for ${describeSource(c.source)}, which is not its folder: run helmflux chart pull to write it again`);
  }
  return { charts: charts as LockEntry[] };
}

/** The lock of a project, or undefined; an unreadable lock is an InputError (exit 2) with the fix. */
export function readProjectLock(root: string): Lock | undefined {
  try {
    return readLock(root);
  } catch (err) {
    if (!(err instanceof ChartSourceError)) throw err;
    throw new InputError([{ file: LOCK_FILE, field: '(file)', message: err.message.replace(/: run helmflux chart pull.*$/, ''), fix: 'Run helmflux chart pull to write it again.' }]);
  }
}

/** The lock's text: entries by folder, one JSON document with a trailing newline. */
export function lockText(lock: Lock): string {
  const charts = [...lock.charts].sort((a, b) => compareCodePoints(a.folder, b.folder));
  return `${JSON.stringify({ comment: 'Written by helmflux chart pull: what vendor/charts/ holds, per chart source. Not to be edited.', charts }, null, 2)}\n`;
}

/** The lock entry of a source, if locked. */
export function lockedEntry(lock: Lock, source: VendorSource): LockEntry | undefined {
  const identity = sourceIdentity(source);
  return lock.charts.find((c) => sourceIdentity(c.source) === identity);
}

/** The files of a folder (relative `/` paths, sorted), bounded by CHART_LIMITS; a link is refused. */
export function folderFiles(dir: string, display: string): string[] {
  const out: string[] = [];
  let bytes = 0;
  const walk = (relative: string, depth: number) => {
    if (depth > CHART_LIMITS.depth) throw new ChartSourceError(`${display}/${relative}`, `is nested deeper than ${CHART_LIMITS.depth} folders`);
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(rel, depth + 1);
      else if (entry.isFile()) {
        out.push(rel);
        bytes += fs.statSync(path.join(dir, rel)).size;
        if (out.length > CHART_LIMITS.entries) throw new ChartSourceError(display, `holds more than ${CHART_LIMITS.entries} files, over what helmflux vendors of a chart`);
        if (bytes > CHART_LIMITS.inflatedBytes) throw new ChartSourceError(display, `holds more than ${CHART_LIMITS.inflatedBytes / MIB} MiB, over what helmflux vendors of a chart`);
      } else throw new ChartSourceError(`${display}/${rel}`, 'is a link or special file; a vendored chart holds regular files only');
    }
  };
  walk('', 0);
  return out.sort(compareCodePoints);
}

/** `sha256:` over a folder's files: each file's path, whether it is executable and the sha256 of its bytes. */
export function folderDigest(dir: string, display: string): string {
  const hash = createHash('sha256');
  for (const file of folderFiles(dir, display)) {
    const full = path.join(dir, file);
    const executable = (fs.statSync(full).mode & 0o111) !== 0 ? 'x' : '-';
    hash.update(`${file}\0${executable}\0${createHash('sha256').update(fs.readFileSync(full)).digest('hex')}\n`);
  }
  return `sha256:${hash.digest('hex')}`;
}

/** What is out of date between the lock and the environments or vendored files, each as a line with its fix; none when all is pulled. */
export function lockDrift(root: string, lock: Lock, used: readonly { readonly source: VendorSource; readonly file: string }[]): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const { source, file } of used) {
    const identity = sourceIdentity(source);
    if (seen.has(identity)) continue;
    seen.add(identity);
    if (lockedEntry(lock, source) === undefined) lines.push(`${file}: chart ${describeSource(source)} is not in ${LOCK_FILE}: run helmflux chart pull`);
  }
  for (const entry of lock.charts) {
    const dir = path.join(root, entry.folder);
    let digest: string | undefined;
    try {
      digest = fs.existsSync(dir) ? folderDigest(dir, entry.folder) : undefined;
    } catch (err) {
      lines.push(`${entry.folder}: ${(err as Error).message}: run helmflux chart pull to vendor it again`);
      continue;
    }
    if (digest === undefined) lines.push(`${entry.folder}: is missing (${describeSource(entry.source)} is locked): run helmflux chart pull`);
    else if (digest !== entry.digest) lines.push(`${entry.folder}: its files no longer match the digest in ${LOCK_FILE} (edited by hand, or a bad merge): run helmflux chart pull to vendor ${describeSource(entry.source)} again`);
  }
  return lines;
}
