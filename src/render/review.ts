/**
 * What a change does to the objects the cluster will run: each HelmRelease's
 * rendered objects before and after, compared object by object and field by
 * field (secrets masked as everywhere in review output, `review/secrets.ts`).
 *
 * - Added and removed objects are named, never shown: a new Secret's data is
 *   never printed.
 * - An object whose only change is the chart's version label
 *   (`helm.sh/chart`) or a `checksum/*` annotation is one line, not a page.
 * - A CustomResourceDefinition change is marked as not applied on upgrade
 *   (Helm installs `crds/` once and never upgrades them).
 * - A changed HelmRelease whose rendered objects do not change says so: the
 *   chart does not read the values that changed.
 */
import { compareCodePoints } from '../order';
import { diffValues, type Change, type FieldChange } from '../review/diff';
import { maskingOf } from '../review/secrets';
import type { RenderedProblem } from './check';
import type { RenderedObject, RenderProblem } from './render';

export interface RenderedChange {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly template: string;
  /** Every field that differs (changed objects only). */
  readonly fields: readonly FieldChange[];
  /** Only the chart's version label or checksum annotations differ. */
  readonly routine: boolean;
  /** What Helm does differently with it (a CRD: not upgraded). */
  readonly note?: string;
}

/** The rendered side of a diff: changes by HelmRelease, and what the cluster would refuse after the change. */
export interface RenderedSection {
  /** By `<environment>|<namespace>/<name>` of the HelmRelease. */
  readonly byRelease: ReadonlyMap<string, readonly RenderedChange[]>;
  /** Releases rendered on both sides (a change to one with no rendered change has no effect on them). */
  readonly rendered: ReadonlySet<string>;
  readonly problems: readonly RenderedProblem[];
  readonly failures: readonly RenderProblem[];
  /** Why rendered changes are not shown, when they are not (no charts pulled, no Helm). */
  readonly unavailable?: string;
  /** What each release (after the change) was rendered from: `<source> at <commit> (locked)`, by release key. */
  readonly from?: ReadonlyMap<string, string>;
}

const releaseKey = (environment: string, release: string) => `${environment}|${release}`;

function isRoutine(path: readonly (string | number)[]): boolean {
  const n = path.length;
  if (n >= 3 && path[n - 3] === 'metadata' && path[n - 2] === 'labels' && path[n - 1] === 'helm.sh/chart') return true;
  return n >= 3 && path[n - 3] === 'metadata' && path[n - 2] === 'annotations' && typeof path[n - 1] === 'string' && (path[n - 1] as string).startsWith('checksum/');
}

/** Compares the rendered objects of two versions of an output folder, by HelmRelease. */
export function reviewRendered(before: readonly RenderedObject[], after: readonly RenderedObject[]): Map<string, RenderedChange[]> {
  const index = (objects: readonly RenderedObject[]) => {
    const map = new Map<string, Map<string, RenderedObject>>();
    for (const o of objects) {
      const key = releaseKey(o.environment, o.release);
      const inner = map.get(key) ?? new Map<string, RenderedObject>();
      inner.set(o.identity, o);
      map.set(key, inner);
    }
    return map;
  };
  const [a, b] = [index(before), index(after)];
  const out = new Map<string, RenderedChange[]>();
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort(compareCodePoints)) {
    const was = a.get(key) ?? new Map<string, RenderedObject>();
    const now = b.get(key) ?? new Map<string, RenderedObject>();
    const changes: RenderedChange[] = [];
    for (const identity of [...new Set([...was.keys(), ...now.keys()])].sort(compareCodePoints)) {
      const [x, y] = [was.get(identity), now.get(identity)];
      const [apiVersion, kind, namespace, name] = identity.split('|');
      const template = (y ?? x)!.template;
      const crd = kind === 'CustomResourceDefinition' ? { note: 'Helm installs a chart\'s CRDs (crds/) once and never upgrades or deletes them: this change is not applied to a release already installed' } : {};
      if (x === undefined) changes.push({ apiVersion, kind, namespace, name, change: 'added', template, fields: [], routine: false, ...(was.size > 0 ? crd : {}) });
      else if (y === undefined) changes.push({ apiVersion, kind, namespace, name, change: 'removed', template, fields: [], routine: false, ...crd });
      else {
        const fields: FieldChange[] = [];
        diffValues(x.object, y.object, [], fields, maskingOf(x.object, y.object));
        if (fields.length > 0) changes.push({ apiVersion, kind, namespace, name, change: 'changed', template, fields, routine: fields.every((f) => isRoutine(f.path)), ...crd });
      }
    }
    if (changes.length > 0) out.set(key, changes);
  }
  return out;
}

/** The rendered changes under one HelmRelease change; undefined for another kind of object. */
export function renderedOf(section: RenderedSection, change: Change): readonly RenderedChange[] | undefined {
  if (change.kind !== 'HelmRelease') return undefined;
  return section.byRelease.get(releaseKey(change.environment, `${change.namespace}/${change.name}`)) ?? [];
}

/** Whether a changed HelmRelease, rendered before and after, renders the same objects (the chart reads none of what changed). */
export function hasNoEffect(section: RenderedSection, change: Change): boolean {
  const key = releaseKey(change.environment, `${change.namespace}/${change.name}`);
  return change.kind === 'HelmRelease' && change.change === 'changed' && section.rendered.has(key) && (section.byRelease.get(key) ?? []).length === 0;
}

const objectText = (c: RenderedChange) => `${c.kind} ${c.namespace === '' ? '' : `${c.namespace}/`}${c.name}`;

/** Lines under a HelmRelease change in the text format (indented by the caller). */
export function renderedTextLines(section: RenderedSection, change: Change, fieldLine: (f: FieldChange) => string): string[] {
  const changes = renderedOf(section, change);
  if (changes === undefined) return [];
  const from = section.from?.get(releaseKey(change.environment, `${change.namespace}/${change.name}`));
  const lines: string[] = from !== undefined && (changes.length > 0 || hasNoEffect(section, change)) ? [`rendered from ${from}`] : [];
  if (hasNoEffect(section, change)) return [...lines, 'rendered: no effect on the rendered objects (the chart does not read what changed)'];
  const routine = changes.filter((c) => c.routine);
  for (const c of changes.filter((x) => !x.routine)) {
    lines.push(`rendered ${c.change} ${objectText(c)} (${c.template || 'the chart'})${c.note ? `: ${c.note}` : ''}`);
    for (const f of c.fields) lines.push(`  ${fieldLine(f)}`);
  }
  if (routine.length > 0) lines.push(`rendered: ${routine.length} ${routine.length === 1 ? 'object changes' : 'objects change'} only in the chart's version label (helm.sh/chart) or checksum/* annotations: ${routine.map(objectText).join(', ')}`);
  return lines;
}

/** The problems the cluster would have with the objects after the change, and releases that did not render, as lines. */
export function renderProblemLines(section: RenderedSection): string[] {
  return [
    ...section.failures.map((f) => `${f.file}: ${f.release}: ${f.warning ? 'warning: ' : ''}${f.message}`),
    ...section.problems.map((p) => `${p.file}: ${p.release}: ${p.object} (from ${p.template || 'the chart'}): ${p.message}. ${p.fix}`),
  ];
}

/** Render problems as JSON (`diff --format json`'s `renderProblems`): releases that did not render, then objects the cluster would refuse. */
export function renderProblemsJson(section: RenderedSection): object[] {
  return [
    ...section.failures.map((f) => ({ environment: f.environment, release: f.release, file: f.file, message: f.message, fix: f.fix, warning: f.warning })),
    ...section.problems.map((p) => ({ environment: p.environment, release: p.release, file: p.file, object: p.object, template: p.template, message: p.message, fix: p.fix, warning: false })),
  ];
}

/** A rendered change as JSON (`diff --format json`: a HelmRelease change's `rendered`). */
export function renderedJson(c: RenderedChange): object {
  return {
    apiVersion: c.apiVersion,
    kind: c.kind,
    namespace: c.namespace,
    name: c.name,
    change: c.change,
    template: c.template,
    ...(c.routine ? { routine: true } : {}),
    ...(c.note ? { note: c.note } : {}),
    fields: c.fields.map((f) => ({ path: f.path, ...(f.masked ? { masked: f.masked } : { ...('before' in f ? { before: f.before } : {}), ...('after' in f ? { after: f.after } : {}) }) })),
  };
}
