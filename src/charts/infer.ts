/**
 * A values schema inferred from a chart's `values.yaml`, for charts that
 * ship no `values.schema.json`. It is a starting point, committed for the
 * user to tighten; it must never reject values the chart really takes:
 *
 * - a mapping with keys is an object of exactly those keys
 *   (`additionalProperties: false`), each inferred from its default, so a
 *   misspelt key is an error;
 * - a mapping under a key charts use for arbitrary keys (FREE_FORM_KEYS:
 *   annotations, labels, nodeSelector, resources, ...), and an empty mapping
 *   `{}` (the chart takes keys it does not know in advance), is any object;
 * - a key whose default is `null` or missing (`cpu:`, `limits:`) takes any value;
 * - a string, number or boolean default gives its type (numbers are
 *   `number`: a default of 1 does not say that 1.5 is wrong), and the
 *   default is kept as `default`, which editors show;
 * - a list is a list; its items are typed only when every default item is a
 *   scalar of one type, and are anything otherwise.
 */
import type { JsonSchema } from '../definition/types';

/** Keys whose mapping takes arbitrary keys in charts (Kubernetes maps and passthrough objects). */
export const FREE_FORM_KEYS: readonly string[] = [
  'annotations',
  'labels',
  'nodeSelector',
  'resources',
  'limits',
  'requests',
  'podAnnotations',
  'podLabels',
  'commonLabels',
  'commonAnnotations',
  'serviceAnnotations',
  'affinity',
  'tolerations',
  'securityContext',
  'podSecurityContext',
  'containerSecurityContext',
  'env',
  'extraEnv',
  'extraEnvVars',
  'config',
  'configuration',
  'data',
  'extraArgs',
];

type Yaml = null | boolean | number | string | Yaml[] | { [key: string]: Yaml };

function scalarType(value: Yaml): 'string' | 'number' | 'boolean' | undefined {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return undefined;
  }
}

/** The schema of one value, its key deciding whether a mapping is free-form. */
function infer(value: Yaml, key: string | undefined): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  const scalar = scalarType(value);
  if (scalar !== undefined) return { type: scalar, default: value };
  if (Array.isArray(value)) {
    const types = new Set(value.map(scalarType));
    const itemType = value.length > 0 && types.size === 1 ? [...types][0] : undefined;
    return { type: 'array', ...(itemType !== undefined ? { items: { type: itemType } } : {}) };
  }
  const entries = Object.entries(value);
  if (entries.length === 0 || (key !== undefined && FREE_FORM_KEYS.includes(key))) return { type: 'object' };
  return {
    type: 'object',
    properties: Object.fromEntries(entries.map(([k, v]) => [k, infer(v, k)])),
    additionalProperties: false,
  };
}

/** The values schema of a chart, inferred from its parsed `values.yaml`; `title` names the generated type. */
export function inferSchema(values: unknown, title: string): JsonSchema {
  const body = values === null || values === undefined ? { type: 'object', properties: {}, additionalProperties: false } : infer(values as Yaml, undefined);
  return { $schema: 'http://json-schema.org/draft-07/schema#', title, ...body };
}
