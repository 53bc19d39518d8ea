/**
 * Renders the HelmReleases of an output folder (as its files hold them: the
 * tags Flux committed included) through their vendored charts with real
 * Helm, as the Helm operator or helm-controller would install them:
 *
 * - the release's Helm release name and target namespace;
 * - the chart files of `valuesFrom` / `valuesFiles` first, then `values`
 *   (ConfigMap and Secret `valuesFrom` cannot be read offline: a render that
 *   fails for want of them is a warning naming the entry);
 * - `--kube-version` and `--api-versions` of `kubernetesVersion`;
 * - `crds/` only when CRDs are not skipped; test hooks only with `test.enable`;
 *   other hooks kept, and marked.
 *
 * Renders are cached by what determines them (chart digest, values, names,
 * Kubernetes and Helm versions) in `node_modules/.cache/helmflux/render/`;
 * independent releases render in parallel. Nothing is written to the output
 * folder.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { compareCodePoints } from '../order';
import { environmentOfPath, headerSource } from '../output/layout';
import { MAX_ALIASES, parseObjects } from '../output/read';
import { inParallel, runHelm, type Helm } from './helm';
import { servedApiVersions } from './kubernetes';
import { describeSource, folderDigest, lockedEntry, type Lock, type VendorSource } from './vendor';

/** One object a chart rendered, tied to where it comes from. */
export interface RenderedObject {
  readonly environment: string;
  /** The HelmRelease's `namespace/name`. */
  readonly release: string;
  /** The environment file (as the output file's header names it). */
  readonly file: string;
  /** The chart template it came from (`apache/templates/ingress.yaml`). */
  readonly template: string;
  /** The Helm hook it is (`pre-install`, `test`), when it is one. */
  readonly hook?: string;
  /** Its identity: `apiVersion|kind|namespace|name` (namespace: the release's, when the template leaves it out). */
  readonly identity: string;
  readonly object: Record<string, unknown>;
}

/** A release that could not be rendered (an error), or rendered with a caveat (a warning). */
export interface RenderProblem {
  readonly environment: string;
  readonly release: string;
  readonly file: string;
  readonly message: string;
  readonly fix: string;
  readonly warning: boolean;
  /** Its chart is not in the lock (drift for `check`: the fix is chart pull). */
  readonly notPulled?: boolean;
}

export interface RenderResult {
  readonly objects: RenderedObject[];
  readonly problems: RenderProblem[];
  /** Releases Helm ran for (not from the cache). */
  readonly ran: number;
  /** Releases whose render came from the cache. */
  readonly cached: number;
  /** The releases that rendered, as `<environment>|<namespace>/<name>`. */
  readonly rendered: ReadonlySet<string>;
  readonly releases: number;
}

export interface RenderContext {
  readonly root: string;
  readonly lock: Lock;
  readonly helm: Helm;
  readonly kubernetesVersion: string;
  /** Only these environments. */
  readonly environments?: ReadonlySet<string>;
  /** Only HelmReleases of this name. */
  readonly release?: string;
  readonly threads?: number;
  readonly cache?: boolean;
  /** Each release's `renderValues` (by `<environment>|<namespace>/<name>`): what its ConfigMap and Secret `valuesFrom` stand for. */
  readonly placeholders?: ReadonlyMap<string, unknown>;
}

/** Kinds that have no namespace. */
const CLUSTER_KINDS = new Set(['Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'StorageClass', 'PriorityClass', 'IngressClass', 'RuntimeClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'PodSecurityPolicy', 'FlowSchema', 'PriorityLevelConfiguration', 'CertificateSigningRequest']);

/** What one HelmRelease asks Helm for. */
interface Job {
  readonly environment: string;
  readonly release: string;
  readonly file: string;
  readonly source: VendorSource;
  readonly releaseName: string;
  readonly namespace: string;
  readonly values: unknown;
  readonly valuesFiles: readonly string[];
  /** ConfigMap/Secret valuesFrom entries, as shown (`valuesFrom[0]: Secret web-values`). */
  readonly unreadable: readonly string[];
  readonly includeCrds: boolean;
  readonly tests: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The HelmReleases of output files (relative path -> text) as render jobs; releases whose source cannot be told are problems. */
export function renderJobs(files: ReadonlyMap<string, string>, only: Pick<RenderContext, 'environments' | 'release'> = {}): { jobs: Job[]; problems: RenderProblem[] } {
  const jobs: Job[] = [];
  const problems: RenderProblem[] = [];
  // Flux v2: chart sources by kind/name, from flux/sources.yaml.
  const sources = new Map<string, Obj>();
  const sourcesText = files.get('flux/sources.yaml');
  if (sourcesText !== undefined) {
    const parsed = parseObjects(sourcesText);
    if ('objects' in parsed) for (const o of parsed.objects) if (isObj(o.metadata)) sources.set(`${String(o.kind)}/${String(o.metadata.name)}`, o);
  }
  for (const [file, text] of [...files].sort(([a], [b]) => compareCodePoints(a, b))) {
    if (!file.startsWith('releases/')) continue;
    const environment = environmentOfPath(file);
    if (only.environments !== undefined && !only.environments.has(environment)) continue;
    const envFile = headerSource(text) ?? file;
    const parsed = parseObjects(text);
    if (!('objects' in parsed)) continue; // check and diff report unreadable files themselves
    for (const o of parsed.objects) {
      if (o.kind !== 'HelmRelease' || !isObj(o.metadata) || !isObj(o.spec)) continue;
      const name = String(o.metadata.name);
      if (only.release !== undefined && only.release !== name) continue;
      const spec = o.spec;
      const release = `${String(o.metadata.namespace)}/${name}`;
      const problem = (message: string, fix: string) => problems.push({ environment, release, file: envFile, message, fix, warning: false });
      const namespace = typeof spec.targetNamespace === 'string' ? spec.targetNamespace : String(o.metadata.namespace);
      const valuesFiles: string[] = [];
      const unreadable: string[] = [];
      let source: VendorSource | undefined;
      let includeCrds: boolean;
      const tests = isObj(spec.test) && spec.test.enable === true;
      let releaseName: string;
      if (o.apiVersion === 'helm.fluxcd.io/v1') {
        const chart = isObj(spec.chart) ? spec.chart : {};
        if (typeof chart.git === 'string') source = { git: chart.git, path: String(chart.path), ref: String(chart.ref ?? 'master') };
        else if (typeof chart.repository === 'string') source = { repository: chart.repository, name: String(chart.name), version: String(chart.version) };
        releaseName = typeof spec.releaseName === 'string' ? spec.releaseName : `${String(o.metadata.namespace)}-${name}`;
        includeCrds = spec.skipCRDs !== true;
        (Array.isArray(spec.valuesFrom) ? spec.valuesFrom : []).forEach((from: unknown, i: number) => {
          if (!isObj(from)) return;
          if (isObj(from.chartFileRef)) valuesFiles.push(String(from.chartFileRef.path));
          else if (isObj(from.configMapKeyRef)) unreadable.push(`valuesFrom[${i}]: ConfigMap ${String(from.configMapKeyRef.name)}`);
          else if (isObj(from.secretKeyRef)) unreadable.push(`valuesFrom[${i}]: Secret ${String(from.secretKeyRef.name)}`);
          else if (isObj(from.externalSourceRef)) unreadable.push(`valuesFrom[${i}]: URL`);
        });
      } else if (o.apiVersion === 'helm.toolkit.fluxcd.io/v2') {
        const chartSpec = isObj(spec.chart) && isObj(spec.chart.spec) ? spec.chart.spec : {};
        const ref = isObj(chartSpec.sourceRef) ? chartSpec.sourceRef : {};
        const object = sources.get(`${String(ref.kind)}/${String(ref.name)}`);
        const sourceSpec = object !== undefined && isObj(object.spec) ? object.spec : undefined;
        if (sourceSpec !== undefined && ref.kind === 'GitRepository') {
          const gitRef = isObj(sourceSpec.ref) ? sourceSpec.ref : {};
          source = { git: String(sourceSpec.url), path: String(chartSpec.chart), ref: String(gitRef.branch ?? gitRef.tag ?? gitRef.commit ?? 'master') };
        } else if (sourceSpec !== undefined && ref.kind === 'HelmRepository') {
          source = { repository: String(sourceSpec.url), name: String(chartSpec.chart), version: String(chartSpec.version) };
        }
        releaseName = typeof spec.releaseName === 'string' ? spec.releaseName : typeof spec.targetNamespace === 'string' ? `${spec.targetNamespace}-${name}` : name;
        const install = isObj(spec.install) ? spec.install : {};
        includeCrds = install.crds !== 'Skip';
        if (Array.isArray(chartSpec.valuesFiles)) valuesFiles.push(...chartSpec.valuesFiles.map(String));
        (Array.isArray(spec.valuesFrom) ? spec.valuesFrom : []).forEach((from: unknown, i: number) => {
          if (isObj(from)) unreadable.push(`valuesFrom[${i}]: ${String(from.kind)} ${String(from.name)}`);
        });
      } else continue;
      if (source === undefined) {
        problem('its chart source cannot be told from the output folder', 'Run helmflux synth, then render again.');
        continue;
      }
      jobs.push({ environment, release, file: envFile, source, releaseName, namespace, values: spec.values ?? {}, valuesFiles, unreadable, includeCrds, tests });
    }
  }
  return { jobs, problems };
}

/** Renders the HelmReleases of output files with Helm; objects sorted by environment, release and identity. */
export async function renderReleases(files: ReadonlyMap<string, string>, context: RenderContext): Promise<RenderResult> {
  const { jobs, problems } = renderJobs(files, context);
  const cacheDir = path.join(context.root, 'node_modules', '.cache', 'helmflux', 'render');
  const home = fs.mkdtempSync(path.join(tmpdir(), 'helmflux-helm-'));
  const apiVersions = servedApiVersions(context.kubernetesVersion).join(',');
  let ran = 0;
  let cached = 0;
  // The vendored files as they are (not only as locked): an edited chart renders anew. Once per folder.
  const digests = new Map<string, string>();
  const digestOf = (folder: string) => {
    let digest = digests.get(folder);
    if (digest === undefined) digests.set(folder, (digest = folderDigest(path.join(context.root, folder), folder)));
    return digest;
  };
  try {
    const results = await inParallel(jobs, context.threads ?? Math.min(availableParallelism(), 4), async (job) => {
      const entry = lockedEntry(context.lock, job.source);
      const problem = (message: string, fix: string, warning = false): RenderProblem => ({ environment: job.environment, release: job.release, file: job.file, message, fix, warning });
      if (entry === undefined) return { problems: [{ ...problem(`its chart (${describeSource(job.source)}) is not pulled`, 'Run helmflux chart pull to vendor it into vendor/charts/.'), notPulled: true }], objects: [] };
      const placeholders = context.placeholders?.get(`${job.environment}|${job.release}`);
      let digest: string;
      try {
        digest = digestOf(entry.folder);
      } catch (err) {
        return { problems: [problem(`its vendored chart ${entry.folder} cannot be read (${(err as Error).message})`, 'Run helmflux chart pull to vendor it again.')], objects: [] };
      }
      const key = createHash('sha256')
        .update(JSON.stringify([1, context.helm.version, context.kubernetesVersion, digest, job.releaseName, job.namespace, placeholders ?? null, job.values, job.valuesFiles, job.includeCrds, job.tests]))
        .digest('hex');
      const cacheFile = path.join(cacheDir, `${key}.yaml`);
      let output: string | undefined;
      if (context.cache !== false) {
        try {
          output = fs.readFileSync(cacheFile, 'utf8');
          cached++;
        } catch {
          // not rendered before
        }
      }
      if (output === undefined) {
        const chart = path.join(context.root, entry.folder);
        const valuesFile = path.join(home, `${key}.values.json`);
        fs.writeFileSync(valuesFile, JSON.stringify(job.values));
        const args = ['template', job.releaseName, chart, '--namespace', job.namespace, '--kube-version', `v${context.kubernetesVersion}.0`, '--api-versions', apiVersions];
        for (const f of job.valuesFiles) {
          // A values file of the chart: never one outside its folder.
          const file = path.resolve(chart, f);
          const inside = path.relative(chart, file);
          if (inside.startsWith('..') || path.isAbsolute(inside)) return { problems: [problem(`its values file ${JSON.stringify(f)} is outside the chart`, 'Give valuesFrom chartFileRef a path inside the chart folder.')], objects: [] };
          args.push('--values', file);
        }
        // What the cluster's ConfigMaps and Secrets hold, as the release's renderValues stand for it: merged before values, as valuesFrom is.
        if (placeholders !== undefined) {
          const placeholdersFile = path.join(home, `${key}.placeholders.json`);
          fs.writeFileSync(placeholdersFile, JSON.stringify(placeholders));
          args.push('--values', placeholdersFile);
        }
        args.push('--values', valuesFile);
        if (job.includeCrds) args.push('--include-crds');
        if (!job.tests) args.push('--skip-tests');
        try {
          ran++;
          output = await runHelm(context.helm, args, home);
        } catch (err) {
          const message = `helm template failed: ${(err as Error).message}`;
          if (job.unreadable.length > 0 && placeholders === undefined) {
            return { problems: [problem(`${message} (it reads ${job.unreadable.join(', ')}, which cannot be read offline)`, 'Give the release renderValues: placeholders for what those hold, used for rendering only.', true)], objects: [] };
          }
          return { problems: [problem(message, 'Fix the values (or the chart), then render again.')], objects: [] };
        }
        if (context.cache !== false) {
          try {
            fs.mkdirSync(cacheDir, { recursive: true });
            fs.writeFileSync(`${cacheFile}.${process.pid}`, output);
            fs.renameSync(`${cacheFile}.${process.pid}`, cacheFile);
          } catch {
            // a read-only project goes without a cache
          }
        }
      }
      let objects: RenderedObject[];
      try {
        objects = parseRendered(output, job);
      } catch (err) {
        return { problems: [problem(`Helm's output is not YAML helmflux reads (${(err as Error).message.split('\n')[0]})`, 'Fix the chart template that renders it.')], objects: [] };
      }
      const warnings = job.unreadable.length > 0 && placeholders === undefined ? [problem(`rendered without ${job.unreadable.join(', ')}, which cannot be read offline`, 'Values from the cluster are not in this render: give the release renderValues to stand for them.', true)] : [];
      return { problems: warnings, objects, rendered: `${job.environment}|${job.release}` };
    });
    const objects = results.flatMap((r) => r.objects);
    objects.sort((a, b) => compareCodePoints(a.environment, b.environment) || compareCodePoints(a.release, b.release) || compareCodePoints(a.identity, b.identity));
    const rendered = new Set(results.flatMap((r) => ('rendered' in r && r.rendered !== undefined ? [r.rendered] : [])));
    return { objects, problems: [...problems, ...results.flatMap((r) => r.problems)], ran, cached, releases: jobs.length, rendered };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** The objects of `helm template` output, each with the template its `# Source:` line names. */
function parseRendered(output: string, job: Job): RenderedObject[] {
  const { parse } = require('yaml') as typeof import('yaml');
  const out: RenderedObject[] = [];
  for (const chunk of output.split(/^---[ \t]*$/m)) {
    const template = /^# Source: (.+)$/m.exec(chunk)?.[1].trim() ?? '';
    const object = parse(chunk, { maxAliasCount: MAX_ALIASES }) as unknown;
    if (!isObj(object) || !isObj(object.metadata)) continue;
    const metadata = object.metadata;
    const kind = String(object.kind);
    const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : CLUSTER_KINDS.has(kind) ? '' : job.namespace;
    const annotations = isObj(metadata.annotations) ? metadata.annotations : {};
    const hook = typeof annotations['helm.sh/hook'] === 'string' ? annotations['helm.sh/hook'] : undefined;
    out.push({
      environment: job.environment,
      release: job.release,
      file: job.file,
      template,
      ...(hook !== undefined ? { hook } : {}),
      identity: `${String(object.apiVersion)}|${kind}|${namespace}|${String(metadata.name)}`,
      object,
    });
  }
  return out;
}
