/**
 * A release's values in layers: the values every release of its chart
 * shares (`defineChart({ values })`), then the release's own. The rules are
 * Helm's own for `-f a.yaml -f b.yaml`, so nothing surprises a Helm user:
 *
 * - two mappings merge key by key, the later layer winning;
 * - anything else (a list, a string, a number...) is replaced whole: lists are never concatenated;
 * - `null` replaces too, and stays in the final values: Helm reads it as
 *   "remove the chart's default", which it can only do if it gets the `null`.
 */
import type { HelmValue, HelmValues, ReleaseDefinition } from '../definition/types';

/** One layer of a release's values. */
export interface ValuesLayer {
  /** What it is, for `explain`: `chart helmbasics, shared values`, `release helmbasic-production`. */
  readonly label: string;
  readonly values: HelmValues;
}

/** The layers of a release's values, first (lowest) first. */
export function valuesLayers(release: ReleaseDefinition): ValuesLayer[] {
  const layers: ValuesLayer[] = [];
  const shared = release.imported?.sharedValues;
  if (shared !== undefined) layers.push({ label: `chart ${release.imported!.name}, shared values`, values: shared });
  if (release.values !== undefined) layers.push({ label: `release ${release.name}`, values: release.values });
  return layers;
}

function isMapping(value: HelmValue | undefined): value is HelmValues {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Two layers merged, by the rules above. */
export function mergeValues(lower: HelmValues, upper: HelmValues): HelmValues {
  const out: Record<string, HelmValue> = { ...lower };
  for (const [key, value] of Object.entries(upper)) {
    const below = Object.prototype.hasOwnProperty.call(lower, key) ? lower[key] : undefined;
    out[key] = isMapping(below) && isMapping(value) ? mergeValues(below, value) : value;
  }
  return out;
}

/** A release's final values (what is written to the HelmRelease), or undefined when it has none. */
export function finalValues(release: ReleaseDefinition): HelmValues | undefined {
  const layers = valuesLayers(release);
  if (layers.length === 0) return undefined;
  return layers.map((l) => l.values).reduce((merged, next) => mergeValues(merged, next));
}

/**
 * Where a value at `path` comes from: the index of the last layer that set
 * it or something above it (a layer setting `image` to a string decides
 * `image.tag` too), or -1 when no layer did (the chart's default applies).
 */
export function layerOf(layers: readonly ValuesLayer[], path: readonly string[]): number {
  for (let i = layers.length - 1; i >= 0; i--) {
    let node: HelmValue | undefined = layers[i].values;
    for (const key of path) {
      if (!isMapping(node)) break;
      node = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
      if (node === undefined) break;
      if (!isMapping(node)) return i; // set here, whole (a list, scalar or null decides everything below it)
    }
    if (node !== undefined) return i;
  }
  return -1;
}
