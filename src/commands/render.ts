/**
 * `helmflux chart pull` and `helmflux render` as library functions: the
 * chart stage (src/render/) driven from a project.
 */
import { DEFAULT_OUT_DIR, findProjectRoot, resolvePlace, type ProjectOptions } from '../load/project';
import { loadValidEnvironments, openProject, selectEnvironments, type Project } from '../engine/pipeline';
import type { ValidEnvironment } from '../definition/validate';
import { environmentOfPath } from '../output/layout';
import { ChartSourceError } from '../charts/tar';
import { InputError, type Problem } from '../problems';
import { checkRendered, type RenderedCheck } from '../render/check';
import { findHelm, type Helm } from '../render/helm';
import { reviewRendered, type RenderedSection } from '../render/review';
import { pullCharts, vendorSourceOf, type PullReport } from '../render/pull';
import { renderJobs, renderReleases, type RenderProblem, type RenderResult } from '../render/render';
import { describeSource, LOCK_FILE, NO_CHARTS_PULLED, lockDrift, lockedEntry, readLock, readProjectLock, type Lock, type VendorSource } from '../render/vendor';
import { readFolder } from './diff';

export interface ChartPullOptions extends ProjectOptions {
  /** Only the chart sources of these environments (the lock keeps the others). @default - every environment */
  readonly environments?: readonly string[];
  /** Fetch sources already locked again: move the lock to what their refs and versions give now. */
  readonly update?: boolean;
  readonly progress?: (line: string) => void;
}

/** A ChartSourceError as the user sees it: exit 2 naming what was fetched or read. */
function asInput(err: unknown): unknown {
  if (err instanceof ChartSourceError) return new InputError([{ file: err.file, field: '(chart)', message: err.message, fix: 'Fix the chart source (or its repository), then run helmflux chart pull again.' }]);
  return err;
}

export async function chartPull(options: ChartPullOptions = {}): Promise<PullReport> {
  const project = openProject(options);
  const valid = loadValidEnvironments(project);
  const scope = selectEnvironments(valid.map((e) => e.name), options.environments);
  const sources: { source: VendorSource; file: string; field: string }[] = [];
  for (const env of valid) {
    if (scope !== undefined && !scope.has(env.name)) continue;
    (env.definition.releases ?? []).forEach((release, i) => sources.push({ source: vendorSourceOf(release.chart), file: env.file, field: `releases[${i}].chart` }));
  }
  try {
    return await pullCharts({ root: project.root, sources, update: options.update, partial: scope !== undefined, progress: options.progress });
  } catch (err) {
    throw asInput(err);
  }
}

/** The project's chart lock, or an InputError saying to pull charts. */
export function requireLock(project: Project): Lock {
  const lock = readProjectLock(project.root);
  if (lock === undefined) throw new InputError([{ file: LOCK_FILE, field: '(file)', message: 'does not exist: no charts are pulled, so nothing can be rendered', fix: 'Run helmflux chart pull (it vendors every chart the environments use into vendor/charts/), then render again.' }]);
  return lock;
}

/** Each release's renderValues, by `<environment>|<namespace>/<name>`. */
function placeholdersOf(valid: readonly ValidEnvironment[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const env of valid) {
    for (const release of env.definition.releases ?? []) {
      if (release.renderValues !== undefined) out.set(`${env.name}|${env.definition.namespace.name}/${release.name}`, release.renderValues);
    }
  }
  return out;
}

export interface RenderOptions extends ProjectOptions {
  readonly environments?: readonly string[];
  readonly release?: string;
  /** The output folder whose HelmReleases are rendered, relative to `cwd`. @default - `dist/` of the project root */
  readonly outDir?: string;
  readonly threads?: number;
  readonly cache?: boolean;
}

type Rendered = RenderResult & { readonly kubernetesVersion: string; readonly helm: string };

export async function render(options: RenderOptions = {}): Promise<Rendered> {
  const project = openProject(options);
  return renderProject(project, loadValidEnvironments(project), requireLock(project), options);
}

/** Renders the output folder's HelmReleases of an opened project whose environments are loaded (for their renderValues). */
async function renderProject(project: Project, valid: readonly ValidEnvironment[], lock: Lock, options: RenderOptions): Promise<Rendered> {
  const out = resolvePlace(project.root, project.cwd, options.outDir, DEFAULT_OUT_DIR);
  const files = readFolder(out.dir);
  const environments = [...new Set([...files.keys()].filter((f) => f.startsWith('releases/')).map(environmentOfPath))];
  const scope = selectEnvironments(environments, options.environments);
  const helm = findHelm();
  const { kubernetesVersion } = project.settings.settings;
  const result = await renderReleases(files, { root: project.root, lock, helm, kubernetesVersion, environments: scope, release: options.release, threads: options.threads, cache: options.cache, placeholders: placeholdersOf(valid) });
  if (options.release !== undefined && result.releases === 0) {
    throw new InputError([{ file: '--release', field: JSON.stringify(options.release), message: 'is not a HelmRelease of the output folder', fix: 'Use the name of a HelmRelease (helmflux list shows them).' }]);
  }
  return { ...result, kubernetesVersion, helm: helm.version };
}

/** `validate --rendered`: every release rendered, and every rendered object checked for `kubernetesVersion`. */
export async function validateRendered(options: RenderOptions = {}): Promise<{ render: Rendered; check: RenderedCheck }> {
  const rendered = await render(options);
  return { render: rendered, check: checkRendered(rendered.objects, rendered.kubernetesVersion) };
}

/** Rendered problems as exit-2 problems: the environment file, the release and object, what the cluster would say, and the fix. */
export function renderedInputProblems(check: RenderedCheck, failures: readonly RenderProblem[]): Problem[] {
  return [
    ...failures.filter((f) => !f.warning).map((f) => ({ file: f.file, field: f.release, message: f.message, fix: f.fix })),
    ...check.problems.map((p) => ({ file: p.file, field: `${p.release}: ${p.object} (from ${p.template || 'the chart'})`, message: p.message, fix: p.fix })),
  ];
}

/**
 * What `check` adds where charts are pulled (a lock exists): the lock against
 * the environments and the vendored files (drift, exit 1), then every
 * release rendered and checked (problems, exit 2). Undefined without a lock.
 */
export async function chartChecks(options: RenderOptions = {}): Promise<{ drift: string[]; problems: Problem[]; warnings: string[] } | undefined> {
  const project = openProject(options);
  const lock = readProjectLock(project.root);
  if (lock === undefined) return undefined;
  const valid = loadValidEnvironments(project);
  const used = valid.flatMap((env) => (env.definition.releases ?? []).map((r) => ({ source: vendorSourceOf(r.chart), file: env.file })));
  const drift = lockDrift(project.root, lock, used);
  const rendered = await renderProject(project, valid, lock, options);
  const check = checkRendered(rendered.objects, rendered.kubernetesVersion);
  const warnings = [...rendered.problems.filter((p) => p.warning).map((p) => `${p.file}: ${p.release}: ${p.message}`), ...check.unchecked.map((u) => `unchecked (no schema: its CRD is not in the chart): ${u}`)];
  // A chart not pulled is drift (the fix is chart pull, reported above), not a render problem.
  const problems = renderedInputProblems(check, rendered.problems.filter((p) => !p.notPulled));
  return { drift, problems, warnings };
}

/**
 * The rendered side of `diff`: both versions of the output folder rendered
 * (unchanged releases come from the render cache), compared by HelmRelease,
 * and what the cluster would refuse after the change. Never fails on a
 * render problem: it is listed. Without pulled charts or Helm, says why.
 */
export async function renderedSection(options: ProjectOptions, files: { readonly before: ReadonlyMap<string, string>; readonly after: ReadonlyMap<string, string> }): Promise<RenderedSection> {
  const none = (unavailable: string): RenderedSection => ({ byRelease: new Map(), rendered: new Set(), problems: [], failures: [], unavailable });
  // Most projects pull no charts: say so without opening the project again (diff has already loaded it).
  const root = findProjectRoot(options.cwd ?? process.cwd(), options.environmentsDir);
  let lock: Lock | undefined;
  try {
    lock = readLock(root);
  } catch (err) {
    return none(`${LOCK_FILE}: ${(err as Error).message}`);
  }
  if (lock === undefined) return none(NO_CHARTS_PULLED);
  let helm: Helm;
  try {
    helm = findHelm();
  } catch {
    return none('helm is not installed: install Helm 3 or 4 (or set HELMFLUX_HELM) to see what each change does to the rendered objects');
  }
  const project = openProject(options);
  const { kubernetesVersion } = project.settings.settings;
  const context = { root: project.root, lock, helm, kubernetesVersion, placeholders: placeholdersOf(loadValidEnvironments(project)) };
  const [before, after] = [await renderReleases(files.before, context), await renderReleases(files.after, context)];
  const rendered = new Set([...after.rendered].filter((r) => before.rendered.has(r)));
  const check = checkRendered(after.objects, kubernetesVersion);
  // What the review is of: the commit the lock pins (the Helm operator follows the ref's tip).
  const from = new Map<string, string>();
  for (const job of renderJobs(files.after).jobs) {
    const entry = lockedEntry(lock, job.source);
    const pinned = entry?.commit?.slice(0, 12) ?? entry?.archiveDigest?.slice(0, 19);
    if (pinned !== undefined) from.set(`${job.environment}|${job.release}`, `${describeSource(job.source)} at ${pinned} (locked in ${LOCK_FILE}; chart pull --update moves it)`);
  }
  return { byRelease: reviewRendered(before.objects, after.objects), rendered, problems: check.problems, failures: after.problems, from };
}
