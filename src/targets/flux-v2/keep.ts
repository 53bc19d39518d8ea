/**
 * No fight with Flux v2's image automation: when the
 * image-automation-controller has committed a new tag at a `$imagepolicy`
 * marker of a generated release file, synth keeps it instead of writing the
 * environment's tag back, when the tag passes the marker's ImagePolicy as the
 * image-reflector-controller reads it (`semver.range`: Masterminds semver;
 * `filterTags.pattern`: RE2). A marker on `repo:tag` keeps the string when
 * its repository is the same. Anything else is the definition's.
 *
 * Pure: the caller reads the committed files.
 */
import { parseAllDocuments, isMap, isScalar, isSeq, type Node } from 'yaml';
import { generatedFileText, headerSource, type RenderedFile } from '../../output/layout';
import { toYamlDocument, type JsonValue } from '../../output/yaml';
import { filterMatches } from '../flux-v1/automation';
import type { KeptValue } from '../flux-v1/keep';
import { keyOrderV2 } from './key-order';

type Json = Record<string, unknown>;

/** The text every file the controller rewrites holds (it reads no other). */
export const MARKER_TEXT = '"$imagepolicy"';

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

function parse(text: string) {
  const documents = parseAllDocuments(text, { version: '1.1' });
  const list = Array.isArray(documents) ? documents : [documents];
  return list.some((d) => d.errors.length > 0) ? undefined : list;
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
    for (const doc of parse(file.text) ?? []) {
      const o = doc.toJS() as Json | null;
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
  if (pattern !== undefined && !filterMatches(`regex:${pattern}`, tag)) return false;
  const range = spec.policy?.semver?.range;
  if (range !== undefined) return filterMatches(`semver:${range}`, tag);
  return pattern !== undefined;
}

/** Applies the tags Flux v2 committed at markers (`committed`: relative path -> text) to the rendered files. */
export function keepFluxV2Updates(files: readonly RenderedFile[], committed: ReadonlyMap<string, string>): { files: RenderedFile[]; kept: KeptValue[] } {
  const kept: KeptValue[] = [];
  const policyOf = policies(files);
  const out = files.map((file) => {
    const before = committed.get(file.path);
    if (before === undefined || before === file.text || !file.path.startsWith('releases/') || !file.text.includes(MARKER_TEXT)) return file;
    const oldDocs = parse(before);
    const newDocs = parse(file.text);
    if (oldDocs === undefined || newDocs === undefined) return file;
    const oldById = new Map(oldDocs.map((d) => [idOf((d.toJS() ?? {}) as Json), d.toJS() as Json]));
    let changed = false;
    const objects: Json[] = [];
    const comments: Map<string, string>[] = [];
    for (const doc of newDocs) {
      const object = doc.toJS() as Json;
      objects.push(object);
      const markers: Marked[] = [];
      markersOf(doc.contents as Node, [], markers);
      comments.push(new Map(markers.map((m) => [m.path.join('.'), m.comment])));
      const old = oldById.get(idOf(object));
      if (old === undefined) continue;
      for (const m of markers) {
        if (m.field === 'name') continue;
        const get = (o: Json) => m.path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Json)[k] : undefined), o);
        const now = get(object);
        const then = get(old);
        if (typeof now !== 'string' || typeof then !== 'string' || now === then) continue;
        let tag = then;
        if (m.field === 'image') {
          const [a, b] = [now.lastIndexOf(':'), then.lastIndexOf(':')];
          if (a < 0 || b < 0 || now.slice(0, a) !== then.slice(0, b)) continue;
          tag = then.slice(b + 1);
        }
        if (!passes(policyOf.get(m.policy), tag)) continue;
        const parent = m.path.slice(0, -1).reduce<Json>((v, k) => v[k] as Json, object);
        parent[m.path[m.path.length - 1]] = then;
        const meta = object.metadata as Json;
        kept.push({
          file: file.path,
          source: headerSource(file.text) ?? '',
          namespace: String(meta.namespace ?? ''),
          name: String(meta.name ?? ''),
          container: m.policy.split('/')[1],
          path: m.path,
          kept: tag,
          value: then,
          defined: m.field === 'image' ? now.slice(now.lastIndexOf(':') + 1) : now,
        });
        changed = true;
      }
    }
    if (!changed) return file;
    const documents = objects.map((o, i) => toYamlDocument(o as JsonValue, keyOrderV2, (at) => comments[i].get(at)));
    return { ...file, text: generatedFileText(headerSource(file.text) ?? '', documents) };
  });
  return { files: out, kept };
}
