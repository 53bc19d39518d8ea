/**
 * Image automation for Flux v2, from the same `flux` settings as Flux v1's
 * annotations (`src/images/containers.ts` finds the containers):
 *
 * - one ImageRepository per image, shared by every environment running it
 *   (named after the image), and one ImagePolicy per container (named after
 *   the release's namespace, name and container; `v2Name` makes each name
 *   differ for different images and containers), both in the namespace Flux
 *   runs in (the ImageUpdateAutomation only reads policies of its own namespace);
 * - the v1 filter becomes the policy: `semver:R` → `policy.semver.range: R`;
 *   `glob:P` → `filterTags.pattern` (P anchored, `*` any text, everything
 *   else literal) and `regex:R` → `filterTags.pattern: R` (unanchored, as v1
 *   read it), both with `policy.alphabetical` since v2 cannot order by build
 *   time; no filter is `glob:*`;
 * - a marker on each value line the controller updates:
 *   `tag: v0.0.1 # {"$imagepolicy": "<ns>:<policy>:tag"}` and `:name` on the
 *   repository for `image: { repository, tag }` (and `image` + sibling
 *   `tag`), the bare marker for `image: repo:tag`. A repository with a
 *   separate `registry` gets no `:name` marker (the controller would write
 *   the registry into it).
 */
import { createHash } from 'node:crypto';
import { ImagePolicySpecPolicyAlphabeticalOrder, type ImagePolicySpec } from '../../imports/flux-v2-imagepolicy-image.toolkit.fluxcd.io';
import type { HelmValues, ReleaseDefinition } from '../../definition/types';
import { CHART_IMAGE, valuesContainers } from '../../images/containers';

/** One container's automation: its image, policy and markers. */
export interface ContainerImage {
  readonly container: string;
  /** The image without tag, as the ImageRepository takes it (`fontanillamiguel/apache`). */
  readonly image: string;
  readonly repositoryName: string;
  readonly policyName: string;
  /** The v1 filter it comes from (`glob:*` without one). */
  readonly filter: string;
  /** Value paths under the HelmRelease (`spec.values.image.tag`) and their marker suffix. */
  readonly markers: readonly { readonly path: string; readonly field: 'tag' | 'name' | 'image' }[];
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A DNS label with no `--` in it: what a readable name is made of. */
const READABLE_PART = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Readable names stay within a label value's length, as Flux's own names do. */
const MAX_READABLE = 63;

/**
 * An object name that is a function of its parts and of nothing else, and
 * differs for different parts (injective), readable where it can be:
 *
 * - the parts joined by `.` (`develop.helmbasic-develop.chart-image`), when
 *   each is a DNS label without `--` and the whole fits in 63 characters:
 *   no dot inside a part, so the dots give the parts back;
 * - otherwise the parts as one slug, cut short, then `--` and 12 hex digits
 *   of a sha256 of the parts (`ghcr-io-fluxcd-podinfo--3f5c0a9e1b2d`):
 *   a readable name never holds `--`, so the two forms never meet.
 *
 * Both are DNS subdomains of at most 63 characters.
 */
export function v2Name(...parts: string[]): string {
  const readable = parts.join('.');
  if (parts.every((p) => READABLE_PART.test(p)) && readable.length <= MAX_READABLE) return readable;
  const slug = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const hash = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 12);
  return `${slug.slice(0, MAX_READABLE - 14).replace(/-+$/, '') || 'x'}--${hash}`;
}

function at(values: HelmValues, dotPath: string): unknown {
  return dotPath.split('.').reduce<unknown>((v, k) => (isMap(v) ? v[k] : undefined), values);
}

/** The containers of an automated (not locked, not ignored) release, with their images and markers; none otherwise. */
export function containerImages(release: ReleaseDefinition, namespace: string): ContainerImage[] {
  const flux = release.flux;
  if (!flux?.automated || flux.locked || flux.ignore) return [];
  const values = release.values ?? {};
  const out: ContainerImage[] = [];
  const explicit = flux.containers ?? {};
  const names = new Set([...valuesContainers(release.values), ...Object.keys(explicit).filter((c) => explicit[c].repository !== undefined)]);
  for (const container of [...names].sort()) {
    const paths = explicit[container] ?? {};
    const filter = paths.filter ?? 'glob:*';
    const policyName = v2Name(namespace, release.name, container);
    const push = (image: string, markers: ContainerImage['markers']) => {
      if (image === '' || markers.length === 0) return;
      out.push({ container, image, repositoryName: v2Name(...image.replace(/^docker\.io\//, '').split('/')), policyName, filter, markers });
    };
    if (paths.repository !== undefined) {
      const repository = at(values, paths.repository);
      const registry = paths.registry === undefined ? undefined : at(values, paths.registry);
      if (typeof repository !== 'string') continue;
      const markers: { path: string; field: 'tag' | 'name' | 'image' }[] = [];
      if (registry === undefined) markers.push({ path: `spec.values.${paths.repository}`, field: 'name' });
      if (paths.tag !== undefined && typeof at(values, paths.tag) === 'string') markers.push({ path: `spec.values.${paths.tag}`, field: 'tag' });
      push(typeof registry === 'string' && registry !== '' ? `${registry}/${repository}` : repository, markers);
      continue;
    }
    const holder = container === CHART_IMAGE ? values : values[container];
    if (!isMap(holder)) continue;
    const base = container === CHART_IMAGE ? 'spec.values' : `spec.values.${container}`;
    const image = holder.image;
    if (isMap(image)) {
      if (typeof image.repository !== 'string') continue;
      const registry = typeof image.registry === 'string' && image.registry !== '' ? image.registry : undefined;
      const markers: { path: string; field: 'tag' | 'name' | 'image' }[] = [];
      if (registry === undefined) markers.push({ path: `${base}.image.repository`, field: 'name' });
      if (typeof image.tag === 'string') markers.push({ path: `${base}.image.tag`, field: 'tag' });
      push(registry ? `${registry}/${image.repository}` : image.repository, markers);
    } else if (typeof image === 'string') {
      const registry = typeof holder.registry === 'string' && holder.registry !== '' ? holder.registry : undefined;
      if ('tag' in holder) {
        const markers: { path: string; field: 'tag' | 'name' | 'image' }[] = [];
        if (registry === undefined) markers.push({ path: `${base}.image`, field: 'name' });
        if (typeof holder.tag === 'string') markers.push({ path: `${base}.tag`, field: 'tag' });
        push(registry ? `${registry}/${image}` : image, markers);
      } else {
        const colon = image.lastIndexOf(':');
        if (colon <= image.lastIndexOf('/') || registry !== undefined) continue;
        push(image.slice(0, colon), [{ path: `${base}.image`, field: 'image' }]);
      }
    }
  }
  return out;
}

/** The marker comment of a value line. */
export function marker(fluxNamespace: string, policyName: string, field: 'tag' | 'name' | 'image'): string {
  return `{"$imagepolicy": "${fluxNamespace}:${policyName}${field === 'image' ? '' : `:${field}`}"}`;
}

/** A v1 glob as an anchored RE2 pattern: `*` is any text, everything else is itself. */
export function globPattern(glob: string): string {
  return `^${glob
    .split('*')
    .map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
    .join('.*')}$`;
}

/** The ImagePolicy spec of a v1 filter. */
export function policySpec(filter: string, repositoryName: string): ImagePolicySpec {
  const ref = { imageRepositoryRef: { name: repositoryName } };
  if (filter.startsWith('semver:')) return { ...ref, policy: { semver: { range: filter.slice('semver:'.length) } } };
  const pattern = filter.startsWith('glob:') ? globPattern(filter.slice('glob:'.length)) : filter.slice(filter.indexOf(':') + 1);
  return { ...ref, filterTags: { pattern }, policy: { alphabetical: { order: ImagePolicySpecPolicyAlphabeticalOrder.ASC } } };
}
