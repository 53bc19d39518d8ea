/**
 * The key order of every file helmflux writes for Flux v2: `apiVersion`,
 * `kind`, `metadata`, `spec`; in `metadata`: `name`, `namespace`, `labels`,
 * `annotations`; in a `spec`: the field that says what the object is first
 * (`releaseName`, `chart`; `url`; `image`; `imageRepositoryRef`;
 * `sourceRef`), then the others sorted, `values` last; in `chart.spec`:
 * `chart`, `version`, `sourceRef`. Every other mapping sorted by code point.
 */
import { compareCodePoints } from '../../order';
import type { KeyOrder } from '../../output/yaml';

const HEAD_KEYS: Record<string, readonly string[]> = {
  '': ['apiVersion', 'kind', 'metadata', 'spec', 'resources'],
  metadata: ['name', 'namespace', 'labels', 'annotations'],
  spec: ['releaseName', 'chart', 'url', 'image', 'imageRepositoryRef', 'sourceRef'],
  'spec.chart.spec': ['chart', 'version', 'sourceRef'],
  'spec.chart.spec.sourceRef': ['kind', 'name', 'namespace'],
  'spec.sourceRef': ['kind', 'name', 'namespace'],
};
const TAIL_KEYS: Record<string, readonly string[]> = { spec: ['values'] };

export const keyOrderV2: KeyOrder = (keys, at) => {
  const head = Object.prototype.hasOwnProperty.call(HEAD_KEYS, at) ? HEAD_KEYS[at] : [];
  const tail = Object.prototype.hasOwnProperty.call(TAIL_KEYS, at) ? TAIL_KEYS[at] : [];
  const rest = keys.filter((k) => !head.includes(k) && !tail.includes(k)).sort(compareCodePoints);
  return [...head, ...rest, ...tail].filter((k) => keys.includes(k));
};
