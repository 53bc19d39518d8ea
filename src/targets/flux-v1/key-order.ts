/**
 * The key order of every file helmflux writes for Flux v1 (README, "dist/"):
 * `apiVersion`, `kind`, `metadata`, `spec`; in `metadata`: `name`,
 * `namespace`, `labels`, `annotations`; in a HelmRelease `spec`:
 * `releaseName`, `chart`, then the other fields sorted, `values` last; in
 * `chart`: `git`, `path`, `ref` or `repository`, `name`, `version`. Every
 * other mapping sorted by code point. Light (no cdk8s): the writer's
 * keep step uses it too.
 */
import { keyOrderOf, type KeyOrder } from '../../output/yaml';

const HEAD_KEYS: Record<string, readonly string[]> = {
  '': ['apiVersion', 'kind', 'metadata', 'spec'],
  metadata: ['name', 'namespace', 'labels', 'annotations'],
  spec: ['releaseName', 'chart'],
  'spec.chart': ['git', 'path', 'ref', 'repository', 'name', 'version'],
};
const TAIL_KEYS: Record<string, readonly string[]> = { spec: ['values'] };

/** Keys in the documented order (see the top of this file); `at` is the mapping's path. */
export const keyOrder: KeyOrder = keyOrderOf(HEAD_KEYS, TAIL_KEYS);
