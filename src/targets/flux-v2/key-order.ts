/**
 * The key order of every file helmflux writes for Flux v2: `apiVersion`,
 * `kind`, `metadata`, `spec`; in `metadata`: `name`, `namespace`, `labels`,
 * `annotations`; in a `spec`: the field that says what the object is first
 * (`releaseName`, `chart`; `url`; `image`; `imageRepositoryRef`;
 * `sourceRef`), then the others sorted, `values` last; in `chart.spec`:
 * `chart`, `version`, `sourceRef`. Every other mapping sorted by code point.
 */
import { keyOrderOf, type KeyOrder } from '../../output/yaml';

const HEAD_KEYS: Record<string, readonly string[]> = {
  '': ['apiVersion', 'kind', 'metadata', 'spec', 'resources'],
  metadata: ['name', 'namespace', 'labels', 'annotations'],
  spec: ['releaseName', 'chart', 'url', 'image', 'imageRepositoryRef', 'sourceRef'],
  'spec.chart.spec': ['chart', 'version', 'sourceRef'],
  'spec.chart.spec.sourceRef': ['kind', 'name', 'namespace'],
  'spec.sourceRef': ['kind', 'name', 'namespace'],
};
const TAIL_KEYS: Record<string, readonly string[]> = { spec: ['values'] };

export const keyOrderV2: KeyOrder = keyOrderOf(HEAD_KEYS, TAIL_KEYS);
