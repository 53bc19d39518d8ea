/**
 * `helmflux status` as a library function: where every version runs, as the
 * output folder says it is now (Flux's commits included), read from the files
 * alone: for each environment and release, its namespace, chart source and
 * ref (or version), and each container's image repository and tag, its
 * automation filter, and whether the tag is the definition's or one Flux
 * committed (by the release's record of its definition's tags,
 * `images/intent.ts`). Flux v1 and v2 folders both read.
 */
import { selectEnvironments, openProject } from '../engine/pipeline';
import { readFolder } from './diff';
import { imageTags } from '../images/containers';
import { recordedTags } from '../images/intent';
import { DEFAULT_OUT_DIR, resolvePlace, type ProjectOptions } from '../load/project';
import { environmentOfPath, PROJECT_FILES } from '../output/layout';
import { parseObjects } from '../output/read';
import { compareCodePoints } from '../order';
import { InputError } from '../problems';
import type { HelmValues } from '../definition/types';
import { lockedEntry, readProjectLock } from '../render/vendor';

export interface StatusOptions extends ProjectOptions {
  /** Only these environments. @default - every environment in the output folder */
  readonly environments?: readonly string[];
  readonly outDir?: string;
}

/** A chart source: a git repository, path and ref; or a Helm repository, chart name and version. */
export type StatusChart = { readonly git: string; readonly path: string; readonly ref: string } | { readonly repository: string; readonly name: string; readonly version: string };

/** One container's image as deployed. */
export interface StatusImage {
  readonly container: string;
  readonly repository: string;
  readonly tag: string;
  /** Its automation filter (Flux v1 form, or the v2 ImagePolicy's), or null when not automated. */
  readonly filter: string | null;
  /** `definition`: the tag the definition says; `flux`: a tag Flux's image automation committed, kept by synth. */
  readonly tagFrom: 'definition' | 'flux';
}

/** One release of one environment. */
export interface StatusRow {
  readonly environment: string;
  /** The file it is read from, relative to the project root. */
  readonly file: string;
  readonly namespace: string;
  readonly release: string;
  readonly chart: StatusChart | null;
  readonly automated: boolean;
  readonly images: readonly StatusImage[];
  /**
   * Where charts are pulled (vendor/charts.lock.json): what the lock pins the
   * chart source to, the commit a git ref resolved to (or a Helm archive's
   * digest), what `render` and `diff` review; null when the lock lacks the
   * source. Absent without a lock. The Helm operator follows the ref itself.
   */
  readonly locked?: string | null;
}

type Json = Record<string, unknown>;

export function status(options: StatusOptions = {}): { rows: StatusRow[]; outDir: string } {
  const project = openProject(options);
  const out = resolvePlace(project.root, project.cwd, options.outDir, DEFAULT_OUT_DIR);
  const outDisplay = options.outDir === undefined ? out.display : options.outDir.replace(/(.)\/+$/, '$1');
  const files = readFolder(out.dir);
  const environments = [...files.keys()].filter((f) => f.startsWith('releases/')).map(environmentOfPath);
  const scope = selectEnvironments(environments, options.environments);
  const { rows, unreadable } = statusRows(files, outDisplay, scope);
  if (unreadable.length > 0) throw new InputError(unreadable.map((u) => ({ file: `${outDisplay}/${u.file}`, field: `line ${u.line}`, message: u.reason, fix: 'Resolve it (or run synth), then ask again.' })));
  const lock = readProjectLock(project.root);
  if (lock === undefined) return { rows, outDir: outDisplay };
  const locked = (chart: StatusChart | null): string | null => {
    const entry = chart === null ? undefined : lockedEntry(lock, chart);
    return entry?.commit ?? entry?.archiveDigest ?? null;
  };
  return { rows: rows.map((r) => ({ ...r, locked: locked(r.chart) })), outDir: outDisplay };
}

/** The rows of an output folder's files (relative path -> text), in environment order; pure, so diff reads both sides with it. */
export function statusRows(files: ReadonlyMap<string, string>, outDir: string, scope?: ReadonlySet<string>): { rows: StatusRow[]; unreadable: { file: string; line: number; reason: string }[] } {
  const read = (file: string): Json[] => {
    const text = files.get(file);
    if (text === undefined) return [];
    const parsed = parseObjects(text);
    return 'objects' in parsed ? parsed.objects : [];
  };
  const sources = new Map(read(PROJECT_FILES.sources).map((o) => [`${String(o.kind)}/${String((o.metadata as Json | undefined)?.name)}`, o]));
  const rows: StatusRow[] = [];
  const unreadable: { file: string; line: number; reason: string }[] = [];
  for (const file of [...files.keys()].filter((f) => /^releases\/[^/]+\.yaml$/.test(f)).sort(compareCodePoints)) {
    const environment = environmentOfPath(file);
    if (scope !== undefined && !scope.has(environment)) continue;
    const parsed = parseObjects(files.get(file)!);
    if (!('objects' in parsed)) {
      unreadable.push({ file, line: parsed.line, reason: parsed.reason });
      continue;
    }
    const policies = new Map(read(`images/${environment}.yaml`).map((o) => [String((o.metadata as Json | undefined)?.name), o]));
    for (const object of parsed.objects.filter((o) => o.kind === 'HelmRelease')) rows.push(rowOf(environment, `${outDir}/${file}`, object, sources, policies));
  }
  return { rows, unreadable };
}

function rowOf(environment: string, file: string, object: Json, sources: ReadonlyMap<string, Json>, policies: ReadonlyMap<string, Json>): StatusRow {
  const meta = (object.metadata ?? {}) as Json;
  const annotations = (meta.annotations ?? {}) as Json;
  const spec = (object.spec ?? {}) as Json;
  const namespace = String(meta.namespace ?? '');
  const v2 = object.apiVersion !== 'helm.fluxcd.io/v1';
  const recorded = recordedTags(annotations);
  // Under v2 a container is automated when its tag carries a policy marker; the record lists exactly those.
  const automated = v2 ? recorded !== undefined : annotations['fluxcd.io/automated'] === 'true';
  const images = imageTags(spec.values as HelmValues | undefined, v2 ? {} : annotations)
    .filter((t) => typeof t.tag === 'string')
    .map((t): StatusImage => {
      const where = t.path.join('.');
      const filter = v2 ? policyFilter(policies.get(policyKey(namespace, String(meta.name), t.container))) : automated ? String(annotations[`filter.fluxcd.io/${t.container}`] ?? 'glob:*') : null;
      const defined = recorded?.get(where);
      return { container: t.container, repository: t.repository.replace(/^\//, ''), tag: t.tag as string, filter: automated ? filter : null, tagFrom: defined !== undefined && defined !== t.tag ? 'flux' : 'definition' };
    });
  return { environment, file, namespace, release: String(meta.name ?? ''), chart: chartOf(spec, sources), automated, images };
}

function chartOf(spec: Json, sources: ReadonlyMap<string, Json>): StatusChart | null {
  const chart = (spec.chart ?? {}) as Json;
  if (typeof chart.git === 'string') return { git: chart.git, path: String(chart.path ?? ''), ref: String(chart.ref ?? '') };
  if (typeof chart.repository === 'string') return { repository: chart.repository, name: String(chart.name ?? ''), version: String(chart.version ?? '') };
  // Flux v2: the chart's source object holds the URL and ref.
  const chartSpec = (chart.spec ?? {}) as Json;
  const ref = (chartSpec.sourceRef ?? {}) as Json;
  const source = sources.get(`${String(ref.kind)}/${String(ref.name)}`);
  const sourceSpec = (source?.spec ?? {}) as Json;
  if (ref.kind === 'GitRepository') {
    const r = (sourceSpec.ref ?? {}) as Json;
    return { git: String(sourceSpec.url ?? ''), path: String(chartSpec.chart ?? ''), ref: String(r.branch ?? r.tag ?? r.commit ?? '') };
  }
  if (ref.kind === 'HelmRepository') return { repository: String(sourceSpec.url ?? ''), name: String(chartSpec.chart ?? ''), version: String(chartSpec.version ?? '') };
  return null;
}

function policyKey(namespace: string, release: string, container: string): string {
  const { v2Name } = require('../targets/flux-v2/images') as typeof import('../targets/flux-v2/images');
  return v2Name(namespace, release, container);
}

/** An ImagePolicy as a filter: `semver:<range>`, or `regex:<pattern>`. */
function policyFilter(policy: Json | undefined): string | null {
  const spec = (policy?.spec ?? {}) as { policy?: { semver?: { range?: string } }; filterTags?: { pattern?: string } };
  if (spec.policy?.semver?.range !== undefined) return `semver:${spec.policy.semver.range}`;
  if (spec.filterTags?.pattern !== undefined) return `regex:${spec.filterTags.pattern}`;
  return null;
}

/** The rows as an aligned table, one line per container (or per release without images). */
export function formatStatusText(rows: readonly StatusRow[]): string {
  const header = ['ENVIRONMENT', 'NAMESPACE', 'RELEASE', 'CHART', 'REF', 'IMAGE', 'TAG', 'FILTER', 'TAG FROM'];
  const cells = [header, ...lines(rows)];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

function lines(rows: readonly StatusRow[]): string[][] {
  const out: string[][] = [];
  for (const r of rows) {
    const [chart, plainRef] = r.chart === null ? ['-', '-'] : 'git' in r.chart ? [`${r.chart.git} ${r.chart.path}`, r.chart.ref] : [`${r.chart.repository} ${r.chart.name}`, r.chart.version];
    // Where charts are pulled: the commit (or archive digest) the lock pins, which render and diff review.
    const ref = r.locked === undefined ? plainRef : `${plainRef} (${r.locked === null ? 'not pulled' : `locked ${r.locked.slice(0, r.locked.startsWith('sha256:') ? 19 : 12)}`})`;
    if (r.images.length === 0) out.push([r.environment, r.namespace, r.release, chart, ref, '-', '-', '-', '-']);
    for (const i of r.images) out.push([r.environment, r.namespace, r.release, chart, ref, i.repository, i.tag, i.filter ?? '-', i.tagFrom === 'flux' ? "Flux's commit" : 'definition']);
  }
  return out;
}

/** The rows as a markdown table; `changed` marks cells (by `environment|release|column`) in bold with a marker. */
export function formatStatusMarkdown(rows: readonly StatusRow[], escape: (s: string) => string, changed: ReadonlySet<string> = new Set()): string {
  const header = ['environment', 'namespace', 'release', 'chart', 'ref', 'image', 'tag', 'filter', 'tag from'];
  const out = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const [row, cells] of lines(rows).map((c, i) => [rowsFlat(rows)[i], c] as const)) {
    out.push(`| ${cells.map((cell, i) => (changed.has(`${row.environment}|${row.release}|${header[i]}`) ? `**${escape(cell)}** ✎` : escape(cell))).join(' | ')} |`);
  }
  return out.join('\n') + '\n';
}

/** The row of each line of `lines`. */
function rowsFlat(rows: readonly StatusRow[]): StatusRow[] {
  return rows.flatMap((r) => (r.images.length === 0 ? [r] : r.images.map(() => r)));
}

/**
 * The matrix of the environments a change touches, after it, with each cell
 * that differs from before marked: what a reviewer reads as "staging moves
 * from v0.0.2 to v0.0.3". Markdown; empty when no release row changed.
 */
export function statusChangeMarkdown(before: readonly StatusRow[], after: readonly StatusRow[], environments: ReadonlySet<string>, escape: (s: string) => string): string {
  const header = ['environment', 'namespace', 'release', 'chart', 'ref', 'image', 'tag', 'filter', 'tag from'];
  const keyed = (rows: readonly StatusRow[]) => {
    const map = new Map<string, string[]>();
    const flat = rowsFlat(rows);
    lines(rows).forEach((cells, i) => map.set(`${flat[i].environment}|${flat[i].release}|${cells[5]}`, cells));
    return map;
  };
  const old = keyed(before.filter((r) => environments.has(r.environment)));
  const now = after.filter((r) => environments.has(r.environment));
  const changed = new Set<string>();
  const flat = rowsFlat(now);
  lines(now).forEach((cells, i) => {
    const was = old.get(`${flat[i].environment}|${flat[i].release}|${cells[5]}`);
    cells.forEach((cell, c) => {
      if (was === undefined || was[c] !== cell) changed.add(`${flat[i].environment}|${flat[i].release}|${header[c]}`);
    });
  });
  if (changed.size === 0) return '';
  return `#### Where versions run, after this change (changed cells in bold, marked ✎)\n\n${formatStatusMarkdown(now, escape, changed)}`;
}

/** The rows as a Mermaid flowchart: environments, namespaces, releases (with their images), chart sources. */
export function formatStatusMermaid(rows: readonly StatusRow[]): string {
  const id = (kind: string, ...parts: string[]) => `${kind}_${parts.join('_').replace(/[^A-Za-z0-9_]/g, '_')}`;
  const label = (text: string) => `"${text.replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;'))}"`;
  const out = ['flowchart LR'];
  const seen = new Set<string>();
  const node = (nodeId: string, text: string) => {
    if (seen.has(nodeId)) return;
    seen.add(nodeId);
    out.push(`  ${nodeId}[${label(text)}]`);
  };
  const edges = new Set<string>();
  const edge = (a: string, b: string) => {
    if (!edges.has(`${a}-${b}`)) out.push(`  ${a} --> ${b}`);
    edges.add(`${a}-${b}`);
  };
  for (const r of rows) {
    const env = id('env', r.environment);
    const ns = id('ns', r.namespace);
    const rel = id('rel', r.namespace, r.release);
    node(env, `environment ${r.environment}`);
    node(ns, `namespace ${r.namespace}`);
    node(rel, [r.release, ...r.images.map((i) => `${i.repository}:${i.tag}${i.tagFrom === 'flux' ? ' (Flux)' : ''}`)].join('<br/>').replace(/<br\/>/g, '\u0000'));
    edge(env, ns);
    edge(ns, rel);
    if (r.chart !== null) {
      const [text, key] = 'git' in r.chart ? [`${r.chart.git}<br/>${r.chart.path} @ ${r.chart.ref}`, [r.chart.git, r.chart.path, r.chart.ref]] : [`${r.chart.repository}<br/>${r.chart.name} ${r.chart.version}`, [r.chart.repository, r.chart.name, r.chart.version]];
      const src = id('src', ...key);
      node(src, text.replace(/<br\/>/g, '\u0000'));
      edge(rel, src);
    }
  }
  // Line breaks in labels: kept out of the escaping above, written as Mermaid's <br/>.
  return out.join('\n').replace(/\u0000/g, '<br/>') + '\n';
}
