/**
 * No fight with Flux's image automation: when Flux v1 has committed a new
 * image tag into a generated release file, synth keeps it instead of
 * writing the environment's tag back (which would roll the cluster back).
 *
 * For each HelmRelease that is automated (and neither locked nor ignored),
 * each container Flux manages (`chart-image` for `values.image`, each
 * top-level values key whose mapping holds `image`, and containers with
 * `repository.fluxcd.io/<name>` paths; filtered or not): when the file in
 * the output folder holds another tag for it, with the same repository, and
 * that tag passes the container's filter as Flux decides it (`glob:*`
 * without one; `semver:` as Masterminds reads it), the
 * committed tag is kept. Anything else (a tag the filter refuses, another
 * repository, any other field, a locked or manual release) is the
 * definition's, as always. The kept tag comes from the output folder itself,
 * so it survives `--no-cache` and a fresh clone.
 *
 * Pure: the caller reads the committed files.
 */
import { parseAllDocuments } from 'yaml';
import { generatedFileText, headerSource, type RenderedFile } from '../../output/layout';
import { toYamlDocument, type JsonValue } from '../../output/yaml';
import type { HelmValues } from '../../definition/types';
import { CHART_IMAGE, filterMatches, valuesContainers } from './automation';
import { keyOrder } from './key-order';

/** One tag kept from the output folder. */
export interface KeptValue {
  /** The file, relative to the output folder. */
  readonly file: string;
  /** The environment file the release is defined in. */
  readonly source: string;
  readonly namespace: string;
  readonly name: string;
  readonly container: string;
  /** Where the tag is, under the HelmRelease (`['spec', 'values', 'image', 'tag']`). */
  readonly path: readonly string[];
  /** The tag Flux committed, kept. */
  readonly kept: string;
  /** The whole value kept at `path`: the tag, or `repo:tag` for an image written as one string. */
  readonly value: string;
  /** The tag the definition says. */
  readonly defined: unknown;
}

type Json = Record<string, unknown>;

/** Applies the tags Flux committed (`committed`: relative path -> text) to the rendered files. */
export function keepFluxUpdates(
  files: readonly RenderedFile[],
  committed: ReadonlyMap<string, string>,
): { files: RenderedFile[]; kept: KeptValue[] } {
  const kept: KeptValue[] = [];
  const out = files.map((file) => {
    const before = committed.get(file.path);
    if (before === undefined || before === file.text || !file.path.startsWith('releases/')) return file;
    const oldObjects = parseObjects(before);
    if (oldObjects === undefined) return file;
    const objects = parseObjects(file.text)!;
    let changed = false;
    for (const object of objects) {
      const identity = idOf(object);
      const old = oldObjects.find((o) => idOf(o) === identity);
      // Flux commits only into automated, unlocked releases: the committed file must say so too.
      if (old === undefined || !isAutomated(object) || !isAutomated(old)) continue;
      for (const container of containersOf(object)) {
        const result = keepContainer(object, old, container);
        if (result === undefined) continue;
        const meta = object.metadata as Json;
        const where = { file: file.path, namespace: String(meta.namespace ?? ''), name: String(meta.name ?? ''), container };
        kept.push({ ...where, source: headerSource(file.text) ?? '', path: result.path, kept: result.kept, value: result.value, defined: result.defined });
        changed = true;
      }
    }
    if (!changed) return file;
    const source = headerSource(file.text) ?? '';
    return { ...file, text: generatedFileText(source, objects.map((o) => toYamlDocument(o as JsonValue, keyOrder))) };
  });
  return { files: out, kept };
}

function parseObjects(text: string): Json[] | undefined {
  const documents = parseAllDocuments(text, { version: '1.1' });
  const list = Array.isArray(documents) ? documents : [documents];
  if (list.some((d) => d.errors.length > 0)) return undefined;
  return list.map((d) => d.toJS() as unknown).filter((d): d is Json => d !== null && typeof d === 'object' && !Array.isArray(d));
}

function idOf(o: Json): string {
  const meta = (o.metadata ?? {}) as Json;
  // kubeyaml takes a missing namespace as "default", as the API server does.
  return `${String(o.apiVersion)}|${String(o.kind)}|${String(meta.namespace ?? 'default')}|${String(meta.name)}`;
}

function annotations(o: Json): Record<string, unknown> {
  return ((o.metadata as Json | undefined)?.annotations ?? {}) as Record<string, unknown>;
}

function isAutomated(o: Json): boolean {
  const a = annotations(o);
  return o.kind === 'HelmRelease' && a['fluxcd.io/automated'] === 'true' && a['fluxcd.io/locked'] !== 'true' && a['fluxcd.io/ignore'] !== 'true';
}

/** The containers Flux manages in a HelmRelease: those its values shape and those its annotations give paths for. */
function containersOf(o: Json): string[] {
  const found = new Set(valuesContainers((o.spec as Json | undefined)?.values as HelmValues | undefined));
  for (const key of Object.keys(annotations(o))) if (key.startsWith('repository.fluxcd.io/')) found.add(key.slice('repository.fluxcd.io/'.length));
  return [...found];
}

interface ImageRef {
  /** Registry and repository together, as Flux compares images. */
  readonly repository: unknown;
  readonly tag: unknown;
  /** Where the tag is, under the object. */
  readonly tagPath: readonly string[];
  /** Whether the tag is the end of a `repo:tag` string at `tagPath`. */
  readonly inString?: boolean;
}

/** A container's image as the object holds it, in any of Flux's shapes. */
function imageOf(o: Json, container: string): ImageRef | undefined {
  const values = ((o.spec as Json | undefined)?.values ?? {}) as Json;
  const a = annotations(o);
  const repositoryPath = a[`repository.fluxcd.io/${container}`];
  if (typeof repositoryPath === 'string') {
    const at = (p: unknown) => (typeof p === 'string' ? p.split('.').reduce<unknown>((v, k) => (isMap(v) ? v[k] : undefined), values) : undefined);
    const tagPath = a[`tag.fluxcd.io/${container}`];
    return { repository: `${String(at(a[`registry.fluxcd.io/${container}`]) ?? '')}/${String(at(repositoryPath))}`, tag: at(tagPath), tagPath: typeof tagPath === 'string' ? ['spec', 'values', ...tagPath.split('.')] : [] };
  }
  const holder = container === CHART_IMAGE ? values : values[container];
  if (!isMap(holder)) return undefined;
  const base = container === CHART_IMAGE ? ['spec', 'values'] : ['spec', 'values', container];
  const image = holder.image;
  if (isMap(image)) return { repository: `${String(image.registry ?? '')}/${String(image.repository)}`, tag: image.tag, tagPath: [...base, 'image', 'tag'] };
  if (typeof image === 'string') {
    if ('tag' in holder) return { repository: `${String(holder.registry ?? '')}/${image}`, tag: holder.tag, tagPath: [...base, 'tag'] };
    // "repo:tag": the tag follows the last ":" after the last "/".
    const colon = image.lastIndexOf(':');
    if (colon > image.lastIndexOf('/')) {
      // A sibling registry overrides the image's own (Flux).
      const registry = typeof holder.registry === 'string' ? holder.registry : '';
      return { repository: `${registry}/${image.slice(0, colon)}`, tag: image.slice(colon + 1), tagPath: [...base, 'image'], inString: true };
    }
  }
  return undefined;
}

function keepContainer(
  object: Json,
  old: Json,
  container: string,
): { path: readonly string[]; kept: string; value: string; defined: unknown } | undefined {
  const now = imageOf(object, container);
  const then = imageOf(old, container);
  if (now === undefined || then === undefined || now.tagPath.length === 0) return undefined;
  if (then.repository !== now.repository || typeof then.tag !== 'string' || then.tag === now.tag) return undefined;
  if (now.tagPath.join('.') !== then.tagPath.join('.') || now.inString !== then.inString) return undefined;
  const filter = annotations(object)[`filter.fluxcd.io/${container}`];
  if (!filterMatches(typeof filter === 'string' ? filter : 'glob:*', then.tag)) return undefined;
  // "repo:tag" in one string: keep the string with the committed tag.
  const last = now.tagPath[now.tagPath.length - 1];
  const parent = now.tagPath.slice(0, -1).reduce<Json>((v, k) => v[k] as Json, object);
  const current = parent[last];
  const keptValue = now.inString && typeof current === 'string' ? `${current.slice(0, current.lastIndexOf(':'))}:${then.tag}` : then.tag;
  parent[last] = keptValue;
  return { path: now.tagPath, kept: then.tag, value: keptValue, defined: now.tag };
}

function isMap(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
