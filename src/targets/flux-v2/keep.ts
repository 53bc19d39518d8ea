/**
 * No fight with Flux v2's image automation: when the
 * image-automation-controller has committed a new tag at a `$imagepolicy`
 * marker of a generated release file, synth keeps it instead of writing the
 * environment's tag back, when the definition's tag has not changed since
 * the last synth (`src/images/intent.ts`) and the tag passes the marker's
 * ImagePolicy as the image-reflector-controller reads it (`semver.range`:
 * Masterminds semver; `filterTags.pattern`: RE2). A marker on `repo:tag`
 * keeps the string when its repository is the same. Anything else is the
 * definition's, and a replaced tag is reported.
 *
 * Pure: the caller reads the committed files.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { generatedFileText, headerSource, type RenderedFile } from '../../output/layout';
import { parseDocuments, parseObjects } from '../../output/read';
import { toYamlDocument, type JsonValue } from '../../output/yaml';
import { filterMatches } from '../../images/filters';
import { decideTag, keepEach, nextTag, recordedTags, type KeepResult } from '../../images/intent';
import { keyOrderV2 } from './key-order';

type Json = Record<string, unknown>;

/** The text every file the controller rewrites holds (it reads no other). */
const MARKER_TEXT = '"$imagepolicy"';

interface Marked {
  readonly path: string[];
  readonly comment: string;
  readonly policy: string;
  readonly field: 'tag' | 'name' | 'image';
}

/** The markers of a document: each scalar value with a `$imagepolicy` line comment, by path. */
function markersOf(node: Node | null | undefined, path: string[], out: Marked[]): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      const value = pair.value as Node | null;
      if (isScalar(value) && typeof value.comment === 'string' && value.comment.includes('$imagepolicy')) {
        const m = /\{"\$imagepolicy": "([^"]*)"\}/.exec(value.comment);
        if (m) {
          const parts = m[1].split(':');
          const field = parts[2] === 'tag' ? 'tag' : parts[2] === 'name' ? 'name' : 'image';
          out.push({ path: [...path, key], comment: value.comment.trim(), policy: `${parts[0]}/${parts[1]}`, field });
        }
      } else markersOf(value, [...path, key], out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => markersOf(item as Node, [...path, String(i)], out));
  }
}

function idOf(o: Json): string {
  const meta = (o.metadata ?? {}) as Json;
  return `${String(o.kind)}|${String(meta.namespace ?? '')}|${String(meta.name)}`;
}

/** The ImagePolicies of the rendered files, by `namespace/name`. */
function policies(files: readonly RenderedFile[]): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const file of files) {
    if (!file.path.startsWith('images/')) continue;
    const parsed = parseObjects(file.text);
    for (const o of 'objects' in parsed ? parsed.objects : []) {
      if (o?.kind !== 'ImagePolicy') continue;
      const meta = o.metadata as Json;
      out.set(`${String(meta.namespace)}/${String(meta.name)}`, o);
    }
  }
  return out;
}

/** Whether a tag passes an ImagePolicy. */
function passes(policy: Json | undefined, tag: string): boolean {
  const spec = (policy?.spec ?? {}) as { policy?: { semver?: { range?: string } }; filterTags?: { pattern?: string } };
  const pattern = spec.filterTags?.pattern;
  if (pattern !== undefined && !filterMatches(`regex:${pattern}`, tag, '3.2')) return false;
  const range = spec.policy?.semver?.range;
  if (range !== undefined) return filterMatches(`semver:${range}`, tag, '3.2');
  return pattern !== undefined;
}

/** Applies the tags Flux v2 committed at markers (`committed`: relative path -> text) to the rendered files. */
export function keepFluxV2Updates(files: readonly RenderedFile[], committed: ReadonlyMap<string, string>): KeepResult {
  const policyOf = policies(files);
  return keepEach(files, committed, (file) => file.text.includes(MARKER_TEXT), (file, old, result) => keepInFile(file, old, policyOf, result));
}

function keepInFile(file: RenderedFile, oldObjects: readonly Json[], policyOf: ReadonlyMap<string, Json>, result: Pick<KeepResult, 'kept' | 'changed'>): RenderedFile {
  const parsed = parseDocuments(file.text);
  if (!('documents' in parsed)) throw new Error(`helmflux rendered ${file.path} unreadably: ${parsed.reason}`);
  const oldById = new Map(oldObjects.map((o) => [idOf(o), o]));
  const source = headerSource(file.text) ?? '';
  let changed = false;
  const objects: Json[] = [];
  const comments: Map<string, string>[] = [];
  for (const doc of parsed.documents) {
    const object = doc.toJS() as Json;
    objects.push(object);
    const markers: Marked[] = [];
    markersOf(doc.contents as Node, [], markers);
    comments.push(new Map(markers.map((m) => [m.path.join('.'), m.comment])));
    const old = oldById.get(idOf(object));
    if (old === undefined) continue;
    const recorded = recordedTags(((old.metadata as Json | undefined)?.annotations ?? {}) as Json);
    for (const m of markers) {
      if (m.field === 'name') continue;
      const get = (o: Json) => m.path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Json)[k] : undefined), o);
      const now = get(object);
      const then = get(old);
      if (typeof now !== 'string' || typeof then !== 'string' || now === then) continue;
      // A marker on "repo:tag": the tags after the last ":", the same repository before it.
      const split = (v: string) => (m.field === 'image' ? [v.slice(0, Math.max(v.lastIndexOf(':'), 0)), v.slice(v.lastIndexOf(':') + 1)] : ['', v]);
      const [nowImage, nowTag] = split(now);
      const [thenImage, thenTag] = split(then);
      const meta = object.metadata as Json;
      const place = { file: file.path, source, namespace: String(meta.namespace ?? ''), name: String(meta.name ?? ''), container: m.policy.split('/')[1], path: m.path };
      const policy = policyOf.get(m.policy);
      const sameImage = nowImage === thenImage && (m.field !== 'image' || (now.includes(':') && then.includes(':')));
      const decision = decideTag(thenTag, nowTag, recorded?.get(m.path.slice(2).join('.')), sameImage, (tag) => passes(policy, tag));
      if (decision !== 'kept') {
        const filter = policyFilter(policy);
        result.changed.push({ ...place, why: decision, previous: thenTag, written: nowTag, filter, next: nextTag(filter, 'v2') });
        continue;
      }
      const parent = m.path.slice(0, -1).reduce<Json>((v, k) => v[k] as Json, object);
      parent[m.path[m.path.length - 1]] = then;
      result.kept.push({ ...place, kept: thenTag, value: then, defined: nowTag });
      changed = true;
    }
  }
  if (!changed) return file;
  const documents = objects.map((o, i) => toYamlDocument(o as JsonValue, keyOrderV2, (at) => comments[i].get(at)));
  return { ...file, text: generatedFileText(source, documents) };
}

/** A policy as the v1 filter it was made from, for messages (`semver:R`, or `regex:P` for a tag pattern). */
function policyFilter(policy: Json | undefined): string {
  const spec = (policy?.spec ?? {}) as { policy?: { semver?: { range?: string } }; filterTags?: { pattern?: string } };
  if (spec.policy?.semver?.range !== undefined) return `semver:${spec.policy.semver.range}`;
  return `regex:${spec.filterTags?.pattern ?? '.*'}`;
}
