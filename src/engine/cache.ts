/**
 * The synth cache: what each environment rendered to last time, so that a
 * synth after editing one environment of thousands transpiles, runs, checks
 * and renders only that one.
 *
 * An entry is reused only when all of these are unchanged: the environment
 * file's bytes, the bytes of every other `.ts` file it imported, the folder
 * name shown in headers, the settings file and what it imports, and the helmflux build (`lib/build-id`: its code,
 * validators and the versions of the packages it renders with). An
 * environment file that requires anything but `helmflux` and relative `.ts`
 * and `.json` files (`fs`, an npm package) is never cached: helmflux cannot
 * see what it reads. Environment files are expected to be deterministic (the
 * same source, the same definition), as the README says.
 *
 * The cache is a plain JSON file in the project's `node_modules/.cache/helmflux/`
 * (where babel, eslint and others keep theirs), one per environments folder.
 * It never decides what is written to `dist/` (the writer still compares
 * every file's bytes), and a missing, stale or unreadable cache only makes a
 * synth do all the work.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HelmReleaseClaim } from '../definition/validate';
import type { RenderedFile } from '../output/layout';
import { ABSENT, environmentName, hashBytes } from '../load/loader';
import { writeAtomically } from '../output/writer';

/** What one environment rendered to, and what it was rendered from. */
export interface CacheEntry {
  /** sha256 of the environment file. */
  readonly source: string;
  /** Every other `.ts` or `.json` file the environment imported: absolute path -> sha256; paths its imports tried in vain -> ABSENT. */
  readonly deps: Readonly<Record<string, string>>;
  /** The environment's namespace (checked for uniqueness against the others). */
  readonly namespace: string;
  /** The Helm releases its HelmReleases manage (checked for uniqueness against the others). */
  readonly helmReleases: readonly HelmReleaseClaim[];
  /** The rendered files. */
  readonly files: readonly RenderedFile[];
  /** What rendering warned about, said again when the entry is reused. */
  readonly warnings?: readonly string[];
}

interface CacheFile {
  readonly buildId: string;
  readonly displayDir: string;
  /** What the project's settings were made from (`LoadedSettings.key`): every environment depends on them. */
  readonly settings: string;
  readonly entries: Record<string, CacheEntry>;
}

/** The helmflux installation (this file is lib/src/engine/cache.js), whose lib/build-id names the build. */
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..', '..');

export class SynthCache {
  /** Opens the cache of a project's environments folder; an unusable cache file opens empty. */
  public static open(projectRoot: string, environmentsDir: string, displayDir: string, settingsKey: string): SynthCache {
    const id = hashBytes(`${path.resolve(environmentsDir)}\0${displayDir}`).slice(0, 16);
    const file = path.join(projectRoot, 'node_modules', '.cache', 'helmflux', `synth-${id}.json`);
    // Without a build id (lib/ built by hand, without `npm run build`) nothing is ever reused or saved.
    let buildId = '';
    try {
      buildId = fs.readFileSync(path.join(PACKAGE_ROOT, 'lib', 'build-id'), 'utf8').trim();
    } catch {
      // Leave it empty.
    }
    let entries: Record<string, CacheEntry> = {};
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
      const data = JSON.parse(text) as CacheFile;
      if (data.buildId === buildId && data.displayDir === displayDir && data.settings === settingsKey) entries = data.entries;
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
    return new SynthCache(file, buildId, displayDir, settingsKey, entries, text);
  }

  private readonly depHashes = new Map<string, string | undefined>();

  private constructor(
    /** The cache file. */
    public readonly file: string,
    private readonly buildId: string,
    private readonly displayDir: string,
    private readonly settingsKey: string,
    private readonly entries: Record<string, CacheEntry>,
    private readonly text: string,
  ) {}

  /**
   * The entries still current for these environment files (by environment
   * name): each file and every `.ts` file it imported hash as they did.
   */
  public reusable(dir: string, fileNames: readonly string[]): Map<string, CacheEntry> {
    const found = new Map<string, CacheEntry>();
    if (this.buildId === '') return found;
    for (const fileName of fileNames) {
      const name = environmentName(fileName);
      const entry = Object.prototype.hasOwnProperty.call(this.entries, name) ? this.entries[name] : undefined;
      if (entry === undefined || this.currentHash(path.join(dir, fileName)) !== entry.source) continue;
      if (Object.entries(entry.deps).every(([dep, hash]) => this.currentHash(dep) === hash)) found.set(name, entry);
    }
    return found;
  }

  /** Replaces the cache's content with this run's entries and writes it, if that changes it. */
  public save(entries: ReadonlyMap<string, CacheEntry>): void {
    const data: CacheFile = { buildId: this.buildId, displayDir: this.displayDir, settings: this.settingsKey, entries: Object.fromEntries(entries) };
    const text = JSON.stringify(data);
    if (text === this.text || this.buildId === '') return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      writeAtomically(this.file, text);
    } catch {
      // A read-only project just goes without a cache.
    }
  }

  /** A file's sha256 now; ABSENT when it does not exist (an import that tried it resolves the same only while it is absent). */
  private currentHash(file: string): string | undefined {
    if (!this.depHashes.has(file)) {
      let hash: string | undefined;
      try {
        hash = hashBytes(fs.readFileSync(file));
      } catch (err) {
        hash = (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? ABSENT : undefined;
      }
      this.depHashes.set(file, hash);
    }
    return this.depHashes.get(file);
  }
}
