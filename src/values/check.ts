/**
 * Checks a release's final values against its imported chart's schema
 * (ajv), and refuses literal credentials in values (every release, imported
 * or not). Problems name the environment file and the path under `values`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ErrorObject } from 'ajv';
import { fieldPath, pointerField } from '../problems';
import { isSecretKey, isSecretKeyPair, isSecretValue } from '../definition/secret-keys';
import type { HelmValue, HelmValues, ImportedChart, JsonSchema } from '../definition/types';
import type { Validator } from '../definition/validators';
import { writeAtomically } from '../output/writer';
import { closest } from '../suggest';

type Add = (field: string, message: string, fix: string) => void;

/** Where `helmflux chart import` keeps a chart's files. */
export function chartFolder(name: string): string {
  return `common/charts/${name}`;
}

/** This installation (this file is lib/src/values/check.js): its formats module and cache folder. */
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..', '..');
const FORMATS = path.join(PACKAGE_ROOT, 'lib', 'validators', 'formats.js');
const CACHE_DIR = path.join(PACKAGE_ROOT, 'node_modules', '.cache', 'helmflux', 'chart-schemas');

/** Each chart schema is compiled once per process, keyed by its JSON text. */
const compiled = new Map<string, Validator | Error>();

/**
 * The validator of a chart schema. Compiling with ajv costs about 100 ms (loading
 * ajv, then compiling), so a compiled schema is also kept as standalone code in
 * `node_modules/.cache/helmflux/chart-schemas/`, named by the hash of the
 * schema and the ajv version: later runs only load it. A missing or broken
 * cache file is compiled again.
 */
function validatorFor(schema: JsonSchema): Validator | Error {
  // The schema object is shared by every environment importing the chart (frozen JSON, loaded once per thread).
  const known = typeof schema === 'object' && schema !== null ? bySchemaObject.get(schema) : undefined;
  if (known !== undefined) return known;
  const validator = validatorForText(schema);
  if (typeof schema === 'object' && schema !== null) bySchemaObject.set(schema, validator);
  return validator;
}

const bySchemaObject = new WeakMap<object, Validator | Error>();

function validatorForText(schema: JsonSchema): Validator | Error {
  const text = JSON.stringify(schema);
  let validator = compiled.get(text);
  if (validator !== undefined) return validator;
  const ajvVersion = (require('ajv/package.json') as { version: string }).version;
  const file = path.join(CACHE_DIR, `${createHash('sha256').update(`${ajvVersion}\0${FORMATS}\0${text}`).digest('hex').slice(0, 32)}.js`);
  try {
    validator = require(file) as Validator;
  } catch {
    validator = compile(schema, file);
  }
  compiled.set(text, validator);
  return validator;
}

function compile(schema: JsonSchema, file: string): Validator | Error {
  try {
    const { default: Ajv, _ } = require('ajv') as typeof import('ajv');
    const standalone = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
    const ajv = new Ajv({
      allErrors: true,
      strict: false,
      verbose: true,
      logger: false,
      formats: require(FORMATS) as Record<string, never>,
      code: { source: true, formats: _`require(${FORMATS})` },
    });
    // A `$schema` ajv has no meta-schema for (draft 2019-09, 2020-12) would stop compiling: the keywords charts use read the same.
    const { $schema: _drop, ...rest } = (typeof schema === 'object' ? schema : {}) as Record<string, unknown>;
    const validate = ajv.compile(typeof schema === 'boolean' ? schema : rest);
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      writeAtomically(file, standalone(ajv, validate));
    } catch {
      // No cache: compiled again next time.
    }
    return validate as unknown as Validator;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** The values without `null` entries of mappings: a `null` removes a chart default, which any schema allows. */
function withoutNulls(value: HelmValue): HelmValue {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, HelmValue> = {};
    for (const [k, v] of Object.entries(value as HelmValues)) if (v !== null) out[k] = withoutNulls(v);
    return out;
  }
  return value;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text !== undefined && text.length <= 60 ? text : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}

/** Checks final values against the imported chart's schema. */
export function checkChartValues(values: HelmValues, imported: ImportedChart, at: string, add: Add): void {
  const schemaFile = `${chartFolder(imported.name)}/values.schema.json`;
  const validate = validatorFor(imported.schema);
  if (validate instanceof Error) {
    add(`${at.replace(/\.values$/, '')}.imported.schema`, `the schema of chart ${imported.name} does not compile: ${validate.message}`, `Fix ${schemaFile}.`);
    return;
  }
  if (validate(withoutNulls(values))) return;
  const seen = new Set<string>();
  for (const error of (validate.errors ?? []) as ErrorObject[]) {
    const problem = describeError(error, imported.name, schemaFile);
    if (problem === undefined) continue;
    const field = problem.key === undefined ? pointerField(at, error.instancePath) : fieldPath(pointerField(at, error.instancePath), problem.key);
    if (seen.has(field)) continue;
    seen.add(field);
    add(field, problem.message, problem.fix);
  }
}

function describeError(error: ErrorObject, chart: string, schemaFile: string): { key?: string; message: string; fix: string } | undefined {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys(((error.parentSchema as { properties?: object } | undefined)?.properties ?? {}) as object);
      const guess = closest(key, known);
      return {
        key,
        message: `is not a value of chart ${chart}`,
        fix: guess
          ? `Did you mean ${guess}?`
          : `${known.length > 0 ? `The chart takes ${known.join(', ')} here. ` : ''}If the chart does take it, add it to ${schemaFile} and run helmflux chart types.`,
      };
    }
    case 'type':
    {
      const type = String(params.type).replace(/,/g, ' or ');
      return { message: `is ${describe(error.data)}, not ${article(type)} ${type}`, fix: `Give ${article(type)} ${type}, as ${schemaFile} says.` };
    }
    case 'enum':
      return { message: `is ${describe(error.data)}, not one of the values the chart takes`, fix: `Use one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.` };
    case 'required':
      return { key: String(params.missingProperty), message: `is required by chart ${chart}`, fix: `Add it (${schemaFile} says what it takes).` };
    case 'format':
    case 'pattern':
      return { message: `is ${describe(error.data)}, not ${params.format ? `a ${String(params.format)}` : `of the form ${String(params.pattern)}`}`, fix: `Use a value of that form, as ${schemaFile} says.` };
    case 'if':
    case 'anyOf':
    case 'oneOf':
      // Their branches' own errors say more.
      return error.keyword === 'if' ? undefined : { message: `matches none of the forms chart ${chart} takes here`, fix: `See ${schemaFile}.` };
    default:
      return { message: `is ${describe(error.data)}: ${error.message ?? 'not what the chart takes'}`, fix: `Use a value ${schemaFile} allows.` };
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? 'an' : 'a';
}

/**
 * Refuses literal credentials in values: a non-empty string under a
 * secret-looking key (`definition/secret-keys.ts`), or the `value` of a
 * name/value pair whose name is one, unless the path is in `notSecret`.
 */
export function checkNoPlaintextSecrets(values: HelmValues, notSecret: readonly string[], at: string, add: Add): void {
  const declared = new Set(notSecret);
  const refuse = (field: string, relative: string) =>
    add(
      field,
      'is a literal credential, and values are committed to git',
      `Keep it in a Secret and reference it: valuesFrom: [{ secretKeyRef: { name: "<secret>", key: "values.yaml" } }], whose values.yaml holds this value (or the chart's existingSecret, if it has one). If it is no credential, declare it: notSecret: [${JSON.stringify(relative)}].`,
    );
  const walk = (value: HelmValue, path: string, secret: boolean, parentKey: string | undefined): void => {
    if (typeof value === 'string') {
      // Under a secret-looking key, or a credential by its value (`Bearer ...`, `https://user:pass@host`).
      if ((secret || isSecretValue(value)) && value !== '' && !declared.has(path)) refuse(path === '' ? at : `${at}${path.startsWith('[') ? '' : '.'}${path}`, path);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, fieldPath(path, i), secret, undefined));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const mapping = value as HelmValues;
    const name = mapping.name ?? mapping.key;
    const pair = typeof name === 'string' && isSecretKey(name);
    for (const [key, child] of Object.entries(mapping)) {
      const childPath = fieldPath(path, key);
      if (declared.has(childPath)) continue;
      const childSecret = secret || isSecretKey(key) || (parentKey !== undefined && isSecretKeyPair(parentKey, key)) || (pair && key === 'value');
      walk(child, childPath, childSecret, key);
    }
  };
  walk(values, '', false, undefined);
}
