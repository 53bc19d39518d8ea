/**
 * The review engine: two versions of an output folder (relative path ->
 * text) in, the changes Flux will see out, object by object and field by
 * field. Pure: `diff` and `check` feed it files from disk, from git or from
 * rendering.
 *
 * Objects are matched by apiVersion, kind, namespace and name across files:
 * an object in another file than before is `moved`, not removed and added.
 * Files whose text is the same on both sides are not even parsed.
 */
import { environmentOfPath, isGeneratedPath } from '../output/layout';
import { compareCodePoints } from '../order';
import { helmReleaseOf } from './helm-release';
import { readManifests, type ManifestObject, type UnreadableFile } from './manifests';
import { isSecretValue } from '../definition/secret-keys';
import { isSecretPair, isSecretPath, maskingOf, maskSecrets, type Masking } from './secrets';

/** One field that differs. `path` is a list of keys (a key may hold dots) and array indexes. */
export interface FieldChange {
  readonly path: readonly (string | number)[];
  /** The value before (absent: the field is new). Not given for a masked field. */
  readonly before?: unknown;
  /** The value after (absent: the field is gone). Not given for a masked field. */
  readonly after?: unknown;
  /** Set instead of `before`/`after` when the field is under a secret-looking key. */
  readonly masked?: 'set' | 'changed' | 'removed';
}

export type ChangeKind = 'added' | 'removed' | 'changed' | 'moved' | 'migrated' | 'renamed';

/**
 * Objects that are one object across a switch of Flux: a v1 HelmRelease and
 * the v2 HelmRelease of the same namespace and name are paired as
 * `migrated` (with their values compared), not as a removal and an addition.
 */
export const MIGRATIONS: readonly { readonly kind: string; readonly from: string; readonly to: string }[] = [
  { kind: 'HelmRelease', from: 'helm.fluxcd.io/v1', to: 'helm.toolkit.fluxcd.io/v2' },
];

/** One object that Flux will see differently. */
export interface Change {
  /** The environment the object's file belongs to (`releases/dev.yaml` -> `dev`), `*` for a project file (Flux v2's `flux/`), or `` for a file helmflux does not generate. */
  readonly environment: string;
  /** The object's file, relative to the output folder (after the change; before it, for a removal). */
  readonly file: string;
  /** For `moved` (and a changed object that also moved): the file it was in. */
  readonly previousFile?: string;
  /** For `renamed`: the object's name before (a HelmRelease renamed while the Helm release it manages stays). */
  readonly previousName?: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly change: ChangeKind;
  /** Whether applying it deletes or replaces something running (see the target's effects). */
  readonly destructive: boolean;
  /** What Flux (and the Helm operator) will do, in words. */
  readonly reason: string;
  /** For `changed`: every field that differs. */
  readonly fields: readonly FieldChange[];
  /** The objects themselves, for formats that show whole objects (`--unified`). Never serialized. */
  readonly before?: ManifestObject;
  readonly after?: ManifestObject;
}

/** What a target says a change does (`src/targets/flux-v1/effects.ts`). */
export type Effects = (change: Omit<Change, 'destructive' | 'reason'>) => { destructive: boolean; reason: string };

/** Everything that differs between two versions of an output folder. */
export interface Review {
  /** Destructive changes first, then by environment, file, kind and name. */
  readonly changes: readonly Change[];
  /** Files only in the new version, relative to the output folder. */
  readonly addedFiles: readonly string[];
  /** Files only in the old version. */
  readonly removedFiles: readonly string[];
  /** Files whose text differs but whose objects do not (the header, key order, quoting, comments). */
  readonly reformatted: readonly string[];
  /** Files that are not readable manifests, on either side. */
  readonly unreadable: readonly UnreadableFile[];
}

/** Compares two versions of an output folder. */
export function review(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, effects: Effects): Review {
  const oldFiles = new Map<string, string>();
  const newFiles = new Map<string, string>();
  for (const [file, text] of before) if (after.get(file) !== text) oldFiles.set(file, text);
  for (const [file, text] of after) if (before.get(file) !== text) newFiles.set(file, text);
  const oldRead = readManifests(oldFiles);
  const nowRead = readManifests(newFiles);
  // A file unreadable on either side is left out of the matching on both: its objects are neither added nor removed.
  const unreadableFiles = new Set([...oldRead.unreadable, ...nowRead.unreadable].map((u) => u.file));
  const old = { objects: oldRead.objects.filter((o) => !unreadableFiles.has(o.file)), unreadable: oldRead.unreadable };
  const now = { objects: nowRead.objects.filter((o) => !unreadableFiles.has(o.file)), unreadable: nowRead.unreadable };
  const oldById = new Map(old.objects.map((o) => [o.identity, o]));
  const newById = new Map(now.objects.map((o) => [o.identity, o]));

  // v1 -> v2 (or back): the predecessor of each object that has none of its own identity.
  const predecessor = new Map<ManifestObject, ManifestObject>();
  const paired = new Set<ManifestObject>();
  for (const object of now.objects) {
    if (oldById.has(object.identity)) continue;
    for (const m of MIGRATIONS) {
      if (object.kind !== m.kind) continue;
      const other = object.apiVersion === m.to ? m.from : object.apiVersion === m.from ? m.to : undefined;
      const previous = other === undefined ? undefined : old.objects.find((o) => o.apiVersion === other && o.kind === m.kind && o.namespace === object.namespace && o.name === object.name && !newById.has(o.identity) && !paired.has(o));
      if (previous !== undefined) {
        predecessor.set(object, previous);
        paired.add(previous);
      }
    }
  }

  // A HelmRelease renamed while the Helm release it manages stays: one change, not a removal and an addition.
  for (const object of now.objects) {
    if (object.kind !== 'HelmRelease' || oldById.has(object.identity) || predecessor.has(object)) continue;
    const manages = helmReleaseKey(object);
    const previous = old.objects.find((o) => o.kind === 'HelmRelease' && o.apiVersion === object.apiVersion && o.namespace === object.namespace && !newById.has(o.identity) && !paired.has(o) && helmReleaseKey(o) === manages);
    if (previous !== undefined) {
      predecessor.set(object, previous);
      paired.add(previous);
    }
  }

  const changes: Change[] = [];
  const touched = new Set<string>();
  const add = (change: Omit<Change, 'destructive' | 'reason'>) => {
    changes.push({ ...change, ...effects(change) });
    touched.add(change.file);
    if (change.previousFile) touched.add(change.previousFile);
  };
  for (const object of now.objects) {
    const previous = oldById.get(object.identity);
    const common = { environment: environmentOf(object.file), file: object.file, apiVersion: object.apiVersion, kind: object.kind, namespace: object.namespace, name: object.name };
    if (previous === undefined) {
      const before = predecessor.get(object);
      if (before === undefined) {
        add({ ...common, change: 'added', fields: [], after: object });
        continue;
      }
      if (before.apiVersion === object.apiVersion) {
        const fields: FieldChange[] = [];
        diffValues(withName(before.data, object.name), object.data, [], fields, maskingOf(before.data, object.data));
        add({ ...common, ...(before.file !== object.file ? { previousFile: before.file } : {}), previousName: before.name, change: 'renamed', fields, before, after: object });
        continue;
      }
      // A migration: what the release runs with, compared (the rest of the spec is another API's).
      const fields: FieldChange[] = [];
      const spec = (o: ManifestObject) => ((o.data as { spec?: Record<string, unknown> }).spec ?? {}) as Record<string, unknown>;
      diffValues({ values: spec(before).values ?? {} }, { values: spec(object).values ?? {} }, ['spec'], fields, maskingOf(before.data, object.data));
      add({ ...common, ...(before.file !== object.file ? { previousFile: before.file } : {}), change: 'migrated', fields, before, after: object });
      continue;
    }
    const fields: FieldChange[] = [];
    diffValues(previous.data, object.data, [], fields, maskingOf(previous.data, object.data));
    const moved = previous.file !== object.file;
    if (fields.length === 0 && !moved) continue;
    add({
      ...common,
      ...(moved ? { previousFile: previous.file } : {}),
      change: fields.length === 0 ? 'moved' : 'changed',
      fields,
      before: previous,
      after: object,
    });
  }
  for (const object of old.objects) {
    if (newById.has(object.identity) || paired.has(object)) continue;
    add({
      environment: environmentOf(object.file),
      file: object.file,
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: object.namespace,
      name: object.name,
      change: 'removed',
      fields: [],
      before: object,
    });
  }
  changes.sort(
    (a, b) =>
      Number(b.destructive) - Number(a.destructive) ||
      compareCodePoints(a.environment, b.environment) ||
      compareCodePoints(a.file, b.file) ||
      compareCodePoints(a.kind, b.kind) ||
      compareCodePoints(a.name, b.name),
  );
  const addedFiles = [...after.keys()].filter((f) => !before.has(f)).sort(compareCodePoints);
  const removedFiles = [...before.keys()].filter((f) => !after.has(f)).sort(compareCodePoints);
  // A kustomization.yaml holds no objects: a change of it is never mere layout.
  // An unreadable file is never mere layout either: what it holds is unknown.
  const reformatted = [...newFiles.keys()]
    .filter((f) => oldFiles.has(f) && !touched.has(f) && !unreadableFiles.has(f) && !/(^|\/)kustomization\.yaml$/.test(f))
    .sort(compareCodePoints);
  return { changes, addedFiles, removedFiles, reformatted, unreadable: [...old.unreadable, ...now.unreadable] };
}

/** The Helm release a HelmRelease object manages: its storage namespace and release name. */
function helmReleaseKey(o: ManifestObject): string {
  const { release, storage } = helmReleaseOf(o.data, o.namespace, o.name);
  return `${storage}/${release}`;
}

/** An object's data under another name (a renamed object's fields compare without the name itself). */
function withName(data: Record<string, unknown>, name: string): Record<string, unknown> {
  return { ...data, metadata: { ...((data.metadata ?? {}) as Record<string, unknown>), name } };
}

/** The environment of a file: its name, `*` for a project file (of every environment, Flux v2), `` for a file helmflux does not generate. */
function environmentOf(file: string): string {
  if (!isGeneratedPath(file)) return '';
  return environmentOfPath(file) || '*';
}

/**
 * Appends every difference between two JSON values, masking those under
 * secret-looking keys: under a secret key one masked change is reported at
 * that key (the keys below it are not shown either). `masking` is the
 * object's (`maskingOf`): a Secret's data, paths declared not secret.
 */
export function diffValues(a: unknown, b: unknown, path: (string | number)[], out: FieldChange[], masking: Masking = maskingOf(a, b)): void {
  if (Object.is(a, b)) return;
  if (isSecretPath(path, masking)) {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path: [...path], masked: a === undefined ? 'set' : b === undefined ? 'removed' : 'changed' });
    return;
  }
  if (isMapping(a) && isMapping(b)) {
    const pair = isSecretPair(a) || isSecretPair(b);
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareCodePoints);
    for (const key of keys) {
      const has = [Object.prototype.hasOwnProperty.call(a, key), Object.prototype.hasOwnProperty.call(b, key)];
      path.push(key);
      if (pair && (key === 'value' || key === 'valueFrom')) {
        if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) out.push({ path: [...path], masked: !has[0] ? 'set' : !has[1] ? 'removed' : 'changed' });
      } else if (has[0] && has[1]) diffValues(a[key], b[key], path, out, masking);
      else out.push(field([...path], has[0], a[key], has[1], b[key], masking));
      path.pop();
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      path.push(i);
      if (i < a.length && i < b.length) diffValues(a[i], b[i], path, out, masking);
      else out.push(field([...path], i < a.length, a[i], i < b.length, b[i], masking));
      path.pop();
    }
    return;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  // A credential by its value (an authorization, a URL's password) is masked whatever its key.
  if ((typeof a === 'string' && isSecretValue(a)) || (typeof b === 'string' && isSecretValue(b))) {
    out.push({ path: [...path], masked: 'changed' });
    return;
  }
  out.push(field([...path], true, a, true, b, masking));
}

function field(path: (string | number)[], hadBefore: boolean, before: unknown, hasAfter: boolean, after: unknown, masking: Masking): FieldChange {
  if (isSecretPath(path, masking)) return { path, masked: !hadBefore ? 'set' : !hasAfter ? 'removed' : 'changed' };
  // A whole mapping added or removed may hold secret-looking keys of its own.
  return { path, ...(hadBefore ? { before: maskSecrets(before, path, masking) } : {}), ...(hasAfter ? { after: maskSecrets(after, path, masking) } : {}) };
}

/** A plain mapping (not a Date or other object YAML 1.1 can produce: those compare by their JSON). */
function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}
