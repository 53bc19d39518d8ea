/**
 * No fight with Flux v1's image automation, and no silent disagreement with
 * the definition: for each automated release (neither locked nor ignored)
 * whose file in the output folder holds another tag than the definition for
 * a container Flux manages (`src/images/containers.ts`), `src/images/intent.ts`
 * decides whose tag it is: Flux's commit is kept when the definition's tag
 * has not changed since the last synth and the container's filter admits it
 * (`glob:*` without one); a tag the definition changed since, or one the
 * filter refuses, is replaced by the definition's and reported.
 *
 * Pure: the caller reads the committed files.
 */
import { generatedFileText, headerSource, type RenderedFile } from '../../output/layout';
import { parseObjects } from '../../output/read';
import { toYamlDocument, type JsonValue } from '../../output/yaml';
import type { HelmValues } from '../../definition/types';
import { imageTags, isAutomated, type ImageTag } from '../../images/containers';
import { filterMatches } from '../../images/filters';
import { decideTag, keepEach, nextTag, recordedTags, type KeepResult } from '../../images/intent';
import { keyOrder } from './key-order';

type Json = Record<string, unknown>;

/** Applies the tags Flux committed (`committed`: relative path -> text) to the rendered files. */
export function keepFluxUpdates(files: readonly RenderedFile[], committed: ReadonlyMap<string, string>): KeepResult {
  return keepEach(files, committed, () => true, keepInFile);
}

/** One rendered file with the tags its committed version (`oldObjects`) holds kept where they are Flux's. */
function keepInFile(file: RenderedFile, oldObjects: readonly Json[], result: Pick<KeepResult, 'kept' | 'changed'>): RenderedFile {
  const parsed = parseObjects(file.text);
  if (!('objects' in parsed)) throw new Error(`helmflux rendered ${file.path} unreadably: ${parsed.reason}`);
  const objects = parsed.objects;
  const source = headerSource(file.text) ?? '';
  let changed = false;
  for (const object of objects) {
    const old = oldObjects.find((o) => idOf(o) === idOf(object));
    if (old === undefined || object.kind !== 'HelmRelease' || !isAutomated(annotations(object))) continue;
    const oldAutomated = isAutomated(annotations(old));
    const recorded = oldAutomated ? recordedTags(annotations(old)) : undefined;
    const oldTags = new Map(imageTags(valuesOf(old), annotations(old)).map((t) => [t.container, t]));
    for (const now of imageTags(valuesOf(object), annotations(object))) {
      const then = oldTags.get(now.container);
      if (then === undefined || typeof then.tag !== 'string' || then.tag === now.tag) continue;
      const meta = object.metadata as Json;
      const place = { file: file.path, source, namespace: String(meta.namespace ?? ''), name: String(meta.name ?? ''), container: now.container, path: ['spec', 'values', ...now.path] };
      const filter = annotations(object)[`filter.fluxcd.io/${now.container}`];
      const rule = typeof filter === 'string' ? filter : 'glob:*';
      const sameImage = oldAutomated && then.repository === now.repository && then.path.join('.') === now.path.join('.') && then.inString === now.inString;
      const decision = decideTag(then.tag, now.tag, recorded?.get(now.path.join('.')), sameImage, (tag) => filterMatches(rule, tag, '3.1.1'));
      if (decision !== 'kept') {
        result.changed.push({ ...place, why: decision, previous: then.tag, written: now.tag, filter: rule, next: nextTag(rule, 'v1') });
        continue;
      }
      const value = setTag(object, now, then.tag);
      result.kept.push({ ...place, kept: then.tag, value, defined: now.tag });
      changed = true;
    }
  }
  if (!changed) return file;
  return { ...file, text: generatedFileText(source, objects.map((o) => toYamlDocument(o as JsonValue, keyOrder))) };
}

/** Writes a kept tag into the object (the whole `repo:tag` string for an image written as one); returns the value written. */
function setTag(object: Json, at: ImageTag, tag: string): string {
  const parent = at.path.slice(0, -1).reduce<Json>((v, k) => v[k] as Json, valuesOf(object) as Json);
  const last = at.path[at.path.length - 1];
  const current = parent[last];
  const value = at.inString && typeof current === 'string' ? `${current.slice(0, current.lastIndexOf(':'))}:${tag}` : tag;
  parent[last] = value;
  return value;
}

function idOf(o: Json): string {
  const meta = (o.metadata ?? {}) as Json;
  // kubeyaml takes a missing namespace as "default", as the API server does.
  return `${String(o.apiVersion)}|${String(o.kind)}|${String(meta.namespace ?? 'default')}|${String(meta.name)}`;
}

function annotations(o: Json): Record<string, unknown> {
  return ((o.metadata as Json | undefined)?.annotations ?? {}) as Record<string, unknown>;
}

function valuesOf(o: Json): HelmValues | undefined {
  return (o.spec as Json | undefined)?.values as HelmValues | undefined;
}
