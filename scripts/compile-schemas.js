#!/usr/bin/env node
// Build step (after tsc): makes strict copies of the vendored upstream schemas
// and precompiles them, with the environment definition schema, into one
// standalone ajv module, lib/validators/index.js. Nothing compiles a schema at
// synth time.
//
// The upstream schemas (schemas/, byte-identical, see schemas/SOURCES.md) are
// lenient: Kubernetes prunes unknown fields instead of rejecting them, and
// `metadata` is just `type: object`. The strict copy:
// - forbids unknown fields wherever properties are declared, except where
//   `x-kubernetes-preserve-unknown-fields: true` keeps them (HelmRelease spec.values);
// - replaces `metadata` with ObjectMeta limited to name, namespace, labels and
//   annotations, with the API server's DNS-name and label-syntax rules;
// - pins apiVersion and kind;
// - drops the namespace schema's `$schema` (a URL ajv has no meta-schema for).
// `x-kubernetes-*` keywords are known to ajv as annotations, `int64` and
// `date-time` as formats (lib/validators/formats.js).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Ajv = require('ajv').default;
const standaloneCode = require('ajv/dist/standalone').default;
const { _ } = require('ajv');
const YAML = require('yaml');
const formats = require('./validator-formats');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'lib', 'validators');
const { environmentSchema } = require(path.join(root, 'lib', 'src', 'definition', 'schema.js'));

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const QUALIFIED_KEY =
  '^(?![^/]{254,}/)([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
const LABEL_VALUE = '^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$';

/** ObjectMeta as helmflux writes it, checked as the API server would. */
function objectMeta({ namespaced, nameIsLabel }) {
  const properties = {
    name: nameIsLabel
      ? { type: 'string', maxLength: 63, pattern: DNS_LABEL }
      : { type: 'string', maxLength: 253, pattern: DNS_SUBDOMAIN },
    labels: {
      type: 'object',
      propertyNames: { maxLength: 317, pattern: QUALIFIED_KEY },
      additionalProperties: { type: 'string', maxLength: 63, pattern: LABEL_VALUE },
    },
    annotations: {
      type: 'object',
      propertyNames: { maxLength: 317, pattern: QUALIFIED_KEY },
      additionalProperties: { type: 'string' },
    },
  };
  if (namespaced) properties.namespace = { type: 'string', maxLength: 63, pattern: DNS_LABEL };
  return {
    type: 'object',
    required: namespaced ? ['name', 'namespace'] : ['name'],
    additionalProperties: false,
    properties,
  };
}

/** Forbids unknown fields wherever properties are declared and unknown fields are not preserved. */
function strict(schema) {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'enum' ? v : strict(v);
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

function helmReleaseSchema() {
  const file = path.join(root, 'schemas', 'helm.fluxcd.io_helmreleases.yaml');
  const crd = YAML.parse(fs.readFileSync(file, 'utf8'));
  const version = crd.spec.versions.find((v) => v.name === 'v1');
  const schema = strict(version.schema.openAPIV3Schema);
  schema.$id = 'helmflux:helmrelease';
  schema.properties.apiVersion = { type: 'string', const: `${crd.spec.group}/v1` };
  schema.properties.kind = { type: 'string', const: crd.spec.names.kind };
  schema.properties.metadata = objectMeta({ namespaced: crd.spec.scope === 'Namespaced', nameIsLabel: false });
  schema.required = ['apiVersion', 'kind', ...schema.required];
  return schema;
}

/** A strict copy of a pinned Flux v2 CRD's stored version, with its `$id`. */
function fluxV2Schema(file, id) {
  const crd = YAML.parse(fs.readFileSync(path.join(root, 'schemas', file), 'utf8'));
  const version = crd.spec.versions.find((v) => v.storage);
  const schema = strict(version.schema.openAPIV3Schema);
  schema.$id = id;
  schema.properties.apiVersion = { type: 'string', const: `${crd.spec.group}/${version.name}` };
  schema.properties.kind = { type: 'string', const: crd.spec.names.kind };
  schema.properties.metadata = objectMeta({ namespaced: crd.spec.scope === 'Namespaced', nameIsLabel: false });
  schema.required = ['apiVersion', 'kind', 'metadata', ...(schema.required ?? []).filter((r) => r !== 'metadata')];
  return schema;
}

const FLUX_V2 = {
  helmReleaseV2: 'helm.toolkit.fluxcd.io_helmreleases.yaml',
  gitRepository: 'source.toolkit.fluxcd.io_gitrepositories.yaml',
  helmRepository: 'source.toolkit.fluxcd.io_helmrepositories.yaml',
  imageRepository: 'image.toolkit.fluxcd.io_imagerepositories.yaml',
  imagePolicy: 'image.toolkit.fluxcd.io_imagepolicies.yaml',
  imageUpdateAutomation: 'image.toolkit.fluxcd.io_imageupdateautomations.yaml',
};

function namespaceSchema() {
  const file = path.join(root, 'schemas', 'namespace-v1.json');
  const schema = strict(JSON.parse(fs.readFileSync(file, 'utf8')));
  delete schema.$schema;
  schema.$id = 'helmflux:namespace';
  schema.properties.metadata = objectMeta({ namespaced: false, nameIsLabel: true });
  schema.required = ['apiVersion', 'kind', 'metadata'];
  return schema;
}

function main() {
  const ajv = new Ajv({
    strict: true,
    allErrors: true,
    // Several keywords may share a type (e.g. the namespace schema's ["string", "null"]).
    allowUnionTypes: true,
    code: { source: true, formats: _`require("./formats")` },
    formats,
  });
  for (const keyword of [
    'x-fix',
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-int-or-string',
    'x-kubernetes-embedded-resource',
    'x-kubernetes-group-version-kind',
    'x-kubernetes-list-map-keys',
    'x-kubernetes-list-type',
    'x-kubernetes-map-type',
    'x-kubernetes-patch-merge-key',
    'x-kubernetes-patch-strategy',
    'x-kubernetes-unions',
    // CEL rules of the Flux v2 CRDs: ajv cannot run them; targets/flux-v2/render.ts checks them by hand.
    'x-kubernetes-validations',
  ]) {
    ajv.addKeyword(keyword);
  }
  ajv.addSchema(environmentSchema);
  ajv.addSchema(helmReleaseSchema());
  ajv.addSchema(namespaceSchema());
  for (const [name, file] of Object.entries(FLUX_V2)) ajv.addSchema(fluxV2Schema(file, `helmflux:${name}`));
  // Two modules: what every synth needs, and the Flux v2 CRDs (most of the bytes), loaded only for a v2 target.
  const code = standaloneCode(ajv, { environment: 'helmflux:environment', helmRelease: 'helmflux:helmrelease', namespace: 'helmflux:namespace' });
  const v2 = standaloneCode(ajv, Object.fromEntries(Object.keys(FLUX_V2).map((name) => [name, `helmflux:${name}`])));
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'index.js'), '// Generated by scripts/compile-schemas.js: do not edit.\n' + code);
  fs.writeFileSync(path.join(outDir, 'flux-v2.js'), '// Generated by scripts/compile-schemas.js: do not edit.\n' + v2);
  fs.copyFileSync(path.join(__dirname, 'validator-formats.js'), path.join(outDir, 'formats.js'));
}

main();
