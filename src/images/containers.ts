/**
 * The containers Flux's image automation manages in a HelmRelease and where
 * their tags are, as Flux v1 reads a release (its values and its
 * `fluxcd.io` annotations, which a release's `flux` settings become). The
 * definition's validation, both Flux targets, keeping and promotion share it.
 */
import type { ContainerAutomation, FluxSettings, HelmValues } from '../definition/types';

/** The container Flux names a release's top-level `values.image`. */
export const CHART_IMAGE = 'chart-image';

/** The annotations of a release's `flux` settings, in Flux's names. */
export function automationAnnotations(flux: FluxSettings | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (flux === undefined) return out;
  if (flux.automated) out['fluxcd.io/automated'] = 'true';
  if (flux.locked) out['fluxcd.io/locked'] = 'true';
  if (flux.lockedMessage !== undefined) out['fluxcd.io/locked_msg'] = flux.lockedMessage;
  if (flux.lockedUser !== undefined) out['fluxcd.io/locked_user'] = flux.lockedUser;
  if (flux.ignore) out['fluxcd.io/ignore'] = 'true';
  for (const [container, settings] of Object.entries(flux.containers ?? {})) {
    for (const [field, prefix] of CONTAINER_ANNOTATIONS) {
      const value = settings[field];
      if (value !== undefined) out[`${prefix}/${container}`] = value;
    }
  }
  return out;
}

const CONTAINER_ANNOTATIONS: readonly (readonly [keyof ContainerAutomation, string])[] = [
  ['filter', 'filter.fluxcd.io'],
  ['repository', 'repository.fluxcd.io'],
  ['tag', 'tag.fluxcd.io'],
  ['registry', 'registry.fluxcd.io'],
];

/** Whether an annotation key is one a release's `flux` settings write. */
export function isAutomationAnnotation(key: string): boolean {
  return (
    ['fluxcd.io/automated', 'fluxcd.io/locked', 'fluxcd.io/locked_msg', 'fluxcd.io/locked_user', 'fluxcd.io/ignore'].includes(key) ||
    CONTAINER_ANNOTATIONS.some(([, prefix]) => key.startsWith(`${prefix}/`))
  );
}

/** Whether Flux's image automation commits into a release with these annotations: automated, neither locked nor ignored. */
export function isAutomated(annotations: Readonly<Record<string, unknown>>): boolean {
  return annotations['fluxcd.io/automated'] === 'true' && annotations['fluxcd.io/locked'] !== 'true' && annotations['fluxcd.io/ignore'] !== 'true';
}

/**
 * The containers Flux v1 finds in a release's values: `chart-image` for a
 * top-level `image`, and each top-level key whose mapping holds `image`.
 * (Containers given by `repository` paths are named by their settings.)
 */
export function valuesContainers(values: HelmValues | undefined): string[] {
  if (values === undefined) return [];
  const found: string[] = [];
  if (Object.prototype.hasOwnProperty.call(values, 'image')) found.push(CHART_IMAGE);
  for (const [key, value] of Object.entries(values)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, 'image')) found.push(key);
  }
  return found;
}

/** One container's image, where Flux reads and writes it. */
export interface ImageTag {
  readonly container: string;
  /** Registry and repository together, as Flux compares images (`/fontanillamiguel/apache`). */
  readonly repository: string;
  /** The tag, as the values hold it (not always a string). */
  readonly tag: unknown;
  /** Where the tag is under `values` (`['image', 'tag']`; `['image']` for `repo:tag` in one string). */
  readonly path: readonly string[];
  /** Whether the tag is the end of a `repo:tag` string at `path`. */
  readonly inString: boolean;
}

/**
 * The containers Flux manages in a release (those its values shape and
 * those its annotations give `repository.fluxcd.io` paths for), each with
 * its image and tag in any of Flux's shapes, sorted by container name.
 */
export function imageTags(values: HelmValues | undefined, annotations: Readonly<Record<string, unknown>>): ImageTag[] {
  const names = new Set(valuesContainers(values));
  for (const key of Object.keys(annotations)) if (key.startsWith('repository.fluxcd.io/')) names.add(key.slice('repository.fluxcd.io/'.length));
  const out: ImageTag[] = [];
  for (const container of [...names].sort()) {
    const found = imageTag(values ?? {}, annotations, container);
    if (found !== undefined) out.push(found);
  }
  return out;
}

function imageTag(values: HelmValues, annotations: Readonly<Record<string, unknown>>, container: string): ImageTag | undefined {
  const repositoryPath = annotations[`repository.fluxcd.io/${container}`];
  if (typeof repositoryPath === 'string') {
    const tagPath = annotations[`tag.fluxcd.io/${container}`];
    if (typeof tagPath !== 'string') return undefined;
    const at = (p: unknown) => (typeof p === 'string' ? p.split('.').reduce<unknown>((v, k) => (isMap(v) ? v[k] : undefined), values) : undefined);
    return { container, repository: `${String(at(annotations[`registry.fluxcd.io/${container}`]) ?? '')}/${String(at(repositoryPath))}`, tag: at(tagPath), path: tagPath.split('.'), inString: false };
  }
  const holder = container === CHART_IMAGE ? values : values[container];
  if (!isMap(holder)) return undefined;
  const base = container === CHART_IMAGE ? [] : [container];
  const image = holder.image;
  if (isMap(image)) return { container, repository: `${String(image.registry ?? '')}/${String(image.repository)}`, tag: image.tag, path: [...base, 'image', 'tag'], inString: false };
  if (typeof image !== 'string') return undefined;
  if ('tag' in holder) return { container, repository: `${String(holder.registry ?? '')}/${image}`, tag: holder.tag, path: [...base, 'tag'], inString: false };
  // "repo:tag": the tag follows the last ":" after the last "/"; a sibling registry overrides the image's own (Flux).
  const colon = image.lastIndexOf(':');
  if (colon <= image.lastIndexOf('/')) return undefined;
  const registry = typeof holder.registry === 'string' ? holder.registry : '';
  return { container, repository: `${registry}/${image.slice(0, colon)}`, tag: image.slice(colon + 1), path: [...base, 'image'], inString: true };
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
