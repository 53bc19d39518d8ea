/**
 * Checks rendered objects for the cluster (`validate --rendered`, `check`,
 * and beside `diff`'s changes):
 *
 * - an apiVersion and kind that `kubernetesVersion` does not serve (removed,
 *   or not yet added: kubernetes.ts), naming the version that removed it and
 *   the replacement;
 * - built-in kinds against the Kubernetes OpenAPI document (schemas/
 *   kubernetes/swagger-1.33.json, upstream bytes), every object type closed:
 *   an unknown field is an error, as with the API server's strict field
 *   validation; `null` fields count as unset, as the API server reads them;
 * - custom resources against the CRDs the same release renders (its
 *   `openAPIV3Schema` for the object's version); others are listed as
 *   unchecked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { RenderedObject } from './render';
import { isBuiltInGroupVersion, unservedApi } from './kubernetes';

/** A rendered object the cluster would refuse. */
export interface RenderedProblem {
  readonly environment: string;
  readonly release: string;
  readonly file: string;
  readonly template: string;
  /** `Kind namespace/name` (`Ingress develop/web`). */
  readonly object: string;
  readonly message: string;
  readonly fix: string;
}

export interface RenderedCheck {
  readonly problems: RenderedProblem[];
  /** Objects of kinds helmflux has no schema for (custom resources whose CRD the release does not ship; built-in APIs older than the vendored document), as `Kind namespace/name (apiVersion)`. */
  readonly unchecked: string[];
  readonly checked: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The helmflux installation (this file is lib/src/render/check.js). */
const SWAGGER = path.join(__dirname, '..', '..', '..', 'schemas', 'kubernetes', 'swagger-1.33.json');
export const SCHEMA_KUBERNETES_VERSION = '1.33';

/** Makes a schema strict: object types with properties closed, int-or-string and quantities as the API server takes them, documentation dropped. */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (!isObj(node)) return node;
  if (node.format === 'int-or-string' || node['x-kubernetes-int-or-string'] === true) return { anyOf: [{ type: 'integer' }, { type: 'string' }] };
  const keep = node['x-kubernetes-preserve-unknown-fields'] === true;
  const out: Obj = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' || k === 'example' || k.startsWith('x-kubernetes-') || k === 'format') continue;
    out[k] = k === 'properties' && isObj(v) ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strict(s)])) : strict(v);
  }
  if (out.properties !== undefined && out.additionalProperties === undefined && !keep) out.additionalProperties = false;
  return out;
}

let kubernetes: { ajv: import('ajv').default; byKind: Map<string, string> } | undefined;

function builtIn(): NonNullable<typeof kubernetes> {
  if (kubernetes) return kubernetes;
  const Ajv = (require('ajv') as { default: typeof import('ajv').default }).default;
  const swagger = JSON.parse(fs.readFileSync(SWAGGER, 'utf8')) as { definitions: Record<string, Obj> };
  const definitions: Obj = {};
  const byKind = new Map<string, string>();
  for (const [name, definition] of Object.entries(swagger.definitions)) {
    definitions[name] = strict(definition);
    for (const gvk of (definition['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined) ?? []) {
      const key = `${gvk.group ? `${gvk.group}/` : ''}${gvk.version}|${gvk.kind}`;
      if (!byKind.has(key) || name.startsWith('io.k8s.api.')) byKind.set(key, name);
    }
  }
  definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'] = { anyOf: [{ type: 'string' }, { type: 'number' }] };
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  ajv.addSchema({ $id: 'k8s', definitions });
  kubernetes = { ajv, byKind };
  return kubernetes;
}

/** RE2 for ajv's `pattern`: Go's regular expressions, as the API server validates custom resources, in linear time. */
const re2RegExp = Object.assign(
  (pattern: string) => {
    const { RE2JS } = require('re2js') as typeof import('re2js');
    const re = RE2JS.compile(pattern);
    return { test: (s: string) => re.matcher(s).find(), toString: () => pattern };
  },
  { code: 'helmfluxRe2' },
);

/** A value without its `null` fields (the API server reads `field: null` as unset). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObj(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

function errorText(e: ErrorObject): string {
  const at = e.instancePath === '' ? '(object)' : e.instancePath.slice(1).replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') return `${at}: unknown field "${String((e.params as { additionalProperty: string }).additionalProperty)}"`;
  return `${at}: ${e.message ?? e.keyword}`;
}

/** Checks rendered objects for a Kubernetes minor. */
export function checkRendered(objects: readonly RenderedObject[], kubernetesVersion: string): RenderedCheck {
  const problems: RenderedProblem[] = [];
  const unchecked: string[] = [];
  let checked = 0;
  // CRDs each release ships: `group/version|Kind` -> schema.
  const crds = new Map<string, Map<string, ValidateFunction>>();
  const crdValidators = (release: string): Map<string, ValidateFunction> => {
    let found = crds.get(release);
    if (found) return found;
    found = new Map();
    const Ajv = (require('ajv') as { default: typeof import('ajv').default }).default;
    // A chart's CRD is untrusted: its patterns run in linear time (RE2, as the API server reads them), never backtracking.
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, code: { regExp: re2RegExp } });
    for (const o of objects) {
      if (o.release !== release || o.object.kind !== 'CustomResourceDefinition' || !isObj(o.object.spec)) continue;
      const spec = o.object.spec;
      const kind = isObj(spec.names) ? String(spec.names.kind) : '';
      for (const v of Array.isArray(spec.versions) ? spec.versions : []) {
        const schema = isObj(v) && isObj(v.schema) ? v.schema.openAPIV3Schema : undefined;
        if (!isObj(schema)) continue;
        // apiVersion, kind and metadata are the API server's, not the CRD's to describe.
        const body = strict(schema) as Obj;
        const properties = { ...(isObj(body.properties) ? body.properties : {}), apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };
        try {
          found.set(`${String(spec.group)}/${String(v.name)}|${kind}`, ajv.compile({ ...body, properties }));
        } catch {
          // A schema ajv cannot compile leaves its objects unchecked.
        }
      }
    }
    crds.set(release, found);
    return found;
  };
  for (const o of objects) {
    const apiVersion = String(o.object.apiVersion);
    const kind = String(o.object.kind);
    const metadata = isObj(o.object.metadata) ? o.object.metadata : {};
    const namespace = typeof metadata.namespace === 'string' ? `${metadata.namespace}/` : o.identity.split('|')[2] ? `${o.identity.split('|')[2]}/` : '';
    const shown = `${kind} ${namespace}${String(metadata.name)}`;
    const problem = (message: string, fix: string) => problems.push({ environment: o.environment, release: o.release, file: o.file, template: o.template, object: shown, message, fix });
    const unserved = unservedApi(apiVersion, kind, kubernetesVersion);
    if (unserved) {
      problem(unserved.message, unserved.fix);
      continue;
    }
    const { ajv, byKind } = builtIn();
    const definition = byKind.get(`${apiVersion}|${kind}`);
    let validate: ValidateFunction | undefined;
    if (definition !== undefined) validate = ajv.getSchema(`k8s#/definitions/${definition}`);
    else validate = crdValidators(o.release).get(`${apiVersion}|${kind}`);
    if (validate === undefined) {
      // A built-in API served by kubernetesVersion but gone from the 1.33 document, or a custom resource without its CRD.
      unchecked.push(`${shown} (${apiVersion}${isBuiltInGroupVersion(apiVersion) ? `: no schema in Kubernetes ${SCHEMA_KUBERNETES_VERSION}'s API document` : ''})`);
      continue;
    }
    checked++;
    if (!validate(withoutNulls(o.object))) {
      const errors = [...new Set((validate.errors ?? []).filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if').map(errorText))].slice(0, 5);
      problem(`is not a valid ${apiVersion} ${kind}: ${errors.join('; ')}`, 'Fix the values the chart renders it from (or the chart).');
    }
  }
  return { problems, unchecked, checked };
}
