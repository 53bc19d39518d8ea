/**
 * Validation of environment definitions, before anything is rendered or
 * written. Every problem of every environment is collected, so a user sees
 * all of them in one run.
 *
 * - The shape of each definition: the precompiled JSON schema of
 *   `definition-schema.ts` (types, names, unknown fields).
 * - What a schema cannot say: the chart source kind, reserved namespaces, the
 *   release name the operator derives, uniqueness across files, and values
 *   that are not JSON data.
 */
import { automationAnnotations, CHART_IMAGE, valuesContainers } from '../images/containers';
import { filterProblem, type Dialect } from '../images/filters';
import { type EnvironmentDefinition, type HelmValues, type ReleaseDefinition } from './types';
import { MAX_VALUES_BYTES, MAX_VALUES_DEPTH } from './normalize';
import { DNS_LABEL, environmentSchema } from './schema';
import type { LoadedEnvironment, SourceInfo } from '../load/loader';
import { fieldPath, pointerField, Problem } from '../problems';
import type { Settings } from './settings';
import { validators, type SchemaError } from './validators';
import { key as yamlKey } from '../output/yaml';
import { finalValues } from '../values/layers';
import { checkChartValues, checkNoPlaintextSecrets } from '../values/check';
import { NOT_SECRET_ANNOTATION, urlHasPassword } from './secret-keys';
import { closest } from '../suggest';

/** Namespaces no environment may take: Kubernetes' own, and the one Flux runs in. */
export function reservedNamespaces(settings: Settings): readonly string[] {
  return ['default', 'kube-system', 'kube-public', 'kube-node-lease', settings.fluxNamespace];
}

/** The longest release name Helm accepts. */
export const MAX_RELEASE_NAME = 53;

export { MAX_VALUES_BYTES, MAX_VALUES_DEPTH } from './normalize';

/** The longest mapping key, as written in YAML (quotes and escapes included), that YAML parsers accept as an implicit key. */
export const MAX_KEY_LENGTH = 1024;

/** An environment that passed validation. */
export interface ValidEnvironment {
  readonly name: string;
  readonly file: string;
  readonly definition: EnvironmentDefinition;
  /** What it was made from, when it was loaded from a file. */
  readonly source?: SourceInfo;
}

/** The name the Helm operator gives a release without `releaseName`. */
export function effectiveReleaseName(namespace: string, release: ReleaseDefinition): string {
  return release.releaseName ?? `${namespace}-${release.name}`;
}

/**
 * Validates each environment on its own; returns the valid ones and all
 * problems found. (Namespaces across environments: `checkUniqueNamespaces`.)
 */
export function validateEnvironments(
  loaded: readonly LoadedEnvironment[],
  settings: Settings,
): { valid: ValidEnvironment[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const valid: ValidEnvironment[] = [];
  const reserved = reservedNamespaces(settings);
  for (const env of loaded) {
    // Filters are read as the Flux written for reads them: v1 with Masterminds semver v3.1.1, v2 with v3.2.
    const found = validateEnvironment(env, reserved, settings.flux === 'v2' ? '3.2' : '3.1.1');
    if (found.problems.length > 0) problems.push(...found.problems);
    else valid.push({ name: env.name, file: env.file, definition: found.definition!, source: env.source });
  }
  return { valid, problems };
}

/** Each namespace belongs to one environment: every later claim (in the given order) is a problem. */
export function checkUniqueNamespaces(claims: readonly { readonly file: string; readonly namespace: string }[]): Problem[] {
  const owners = new Map<string, string>();
  const problems: Problem[] = [];
  for (const { file, namespace } of claims) {
    const owner = owners.get(namespace);
    if (owner === undefined) {
      owners.set(namespace, file);
      continue;
    }
    problems.push({
      file,
      field: 'namespace.name',
      message: `namespace "${namespace}" is already the namespace of ${owner}`,
      fix: 'Give each environment its own namespace, or merge the two environments into one file.',
    });
  }
  return problems;
}

/** A Helm release an environment's HelmRelease manages: `<storage namespace>/<release name>`, and which HelmRelease. */
export interface HelmReleaseClaim {
  readonly helmRelease: string;
  readonly name: string;
}

/** The Helm releases of an environment's HelmReleases (Helm stores a release in its target namespace, else the HelmRelease's). */
export function helmReleaseClaims(definition: EnvironmentDefinition): HelmReleaseClaim[] {
  const namespace = definition.namespace.name;
  return (definition.releases ?? []).map((r) => ({ helmRelease: `${r.targetNamespace ?? namespace}/${effectiveReleaseName(namespace, r)}`, name: r.name }));
}

/** Two HelmReleases of different environments that would manage one Helm release (same name, same namespace): each fights the other. */
export function checkUniqueHelmReleases(environments: readonly { readonly file: string; readonly helmReleases?: readonly HelmReleaseClaim[] }[]): Problem[] {
  const owners = new Map<string, { file: string; name: string }>();
  const problems: Problem[] = [];
  for (const { file, helmReleases } of environments) {
    for (const claim of helmReleases ?? []) {
      const owner = owners.get(claim.helmRelease);
      if (owner === undefined) {
        owners.set(claim.helmRelease, { file, name: claim.name });
        continue;
      }
      if (owner.file === file) continue; // within one environment: validateEnvironment says it
      const [namespace, release] = claim.helmRelease.split('/');
      problems.push({
        file,
        field: `releases[${JSON.stringify(claim.name)}]`,
        message: `manages Helm release "${release}" in namespace "${namespace}", as ${owner.file}'s release "${owner.name}" does: two HelmReleases of one Helm release fight over it`,
        fix: 'Give one of them another releaseName (or targetNamespace), or remove one.',
      });
    }
  }
  return problems;
}

const DNS_LABEL_PATTERN = new RegExp(DNS_LABEL);

/** The problems of one environment, and its definition with final values when it has none. */
function validateEnvironment(env: LoadedEnvironment, reserved: readonly string[], dialect: Dialect): { problems: Problem[]; definition?: EnvironmentDefinition } {
  const problems: Problem[] = [];
  const add = (field: string, message: string, fix: string) => problems.push({ file: env.file, field, message, fix });

  if (env.name.length > 63 || !DNS_LABEL_PATTERN.test(env.name)) {
    add(
      '(file name)',
      `"${env.name}" is not a valid environment name${strangeCharacter(env.name)}`,
      'Rename the file to at most 63 lowercase ASCII letters, digits and "-", starting and ending with a letter or digit, e.g. "dev.ts".',
    );
  }
  if (!validators.environment(env.definition)) {
    const fields = new Set<string>();
    for (const error of validators.environment.errors ?? []) {
      // propertyNames repeats the error of the key itself; one message per field is enough.
      if (error.keyword === 'propertyNames') continue;
      const problem = schemaProblem(env, error);
      if (!fields.has(problem.field)) problems.push(problem);
      fields.add(problem.field);
    }
    // Values are checked even when the shape is wrong elsewhere, so every problem shows in one run:
    // as plain data, against the chart's schema, and for literal credentials.
    const releases = (env.definition as { releases?: unknown } | null)?.releases;
    if (Array.isArray(releases)) {
      releases.forEach((release: unknown, i) => {
        const values = (release as { values?: unknown } | null)?.values;
        if (values === null || typeof values !== 'object' || !checkValues(values, `releases[${i}].values`, add)) return;
        const r = release as ReleaseDefinition;
        const imported = r.imported;
        const chartOk = imported !== undefined && imported !== null && typeof imported === 'object' && typeof imported.name === 'string' && imported.schema !== undefined;
        try {
          const final = chartOk ? (finalValues(r) ?? (values as HelmValues)) : (values as HelmValues);
          if (chartOk) checkChartValues(final, imported, `releases[${i}].values`, add);
          checkNoPlaintextSecrets(final, Array.isArray(r.notSecret) ? r.notSecret.filter((p): p is string => typeof p === 'string') : [], `releases[${i}].values`, add);
        } catch {
          // The release's other fields are malformed (their problems are listed): these checks say more once they are fixed.
        }
      });
    }
    return { problems: onePerField(problems) };
  }
  const definition = withFinalValues(env.definition as EnvironmentDefinition);
  const namespace = definition.namespace.name;
  if (reserved.includes(namespace)) {
    add(
      'namespace.name',
      `"${namespace}" is reserved`,
      `Use a namespace of the environment's own: ${reserved.map((n) => `"${n}"`).join(', ')} belong to Kubernetes or Flux.`,
    );
  }
  const names = new Map<string, number>();
  const releaseNames = new Map<string, number>();
  (definition.releases ?? []).forEach((release, i) => {
    const at = `releases[${i}]`;
    const firstName = names.get(release.name);
    if (firstName !== undefined) {
      add(`${at}.name`, `"${release.name}" is already the name of releases[${firstName}]`, 'Give each release of a namespace its own name.');
    } else names.set(release.name, i);

    const releaseName = effectiveReleaseName(namespace, release);
    if (release.releaseName === undefined && releaseName.length > MAX_RELEASE_NAME) {
      add(
        `${at}.releaseName`,
        `the release name the operator derives, "${releaseName}" (<namespace>-<name>), is ${releaseName.length} characters, over Helm's limit of ${MAX_RELEASE_NAME}`,
        'Set releaseName to a name of at most 53 characters, or shorten the release name or namespace.',
      );
    }
    const firstReleaseName = releaseNames.get(releaseName);
    // Two releases of one name derive one release name: the name's problem says it already.
    if (firstReleaseName !== undefined && !(firstName !== undefined && release.releaseName === undefined)) {
      add(`${at}.releaseName`, `Helm release "${releaseName}" is already installed by releases[${firstReleaseName}]`, 'Give each release its own releaseName.');
    } else releaseNames.set(releaseName, i);

    checkChart(release, `${at}.chart`, add);
    checkAutomation(release, at, add, dialect);
    if (release.notSecret !== undefined && release.annotations?.[NOT_SECRET_ANNOTATION] !== undefined) {
      add(fieldPath(`${at}.annotations`, NOT_SECRET_ANNOTATION), 'is set by notSecret', 'Remove the annotation and keep notSecret.');
    }
    const valuesOk = release.values === undefined || checkValues(release.values, `${at}.values`, add);
    if (release.values !== undefined && valuesOk) {
      if (release.imported !== undefined) checkChartValues(release.values, release.imported, `${at}.values`, add);
      checkNoPlaintextSecrets(release.values, release.notSecret ?? [], `${at}.values`, add);
    }
    if (valuesOk) checkObjectLimits(release, at, add);
  });
  return problems.length === 0 ? { problems, definition } : { problems: onePerField(problems) };
}

/** One problem a field: two checks that find the same fault (a number where Flux needs a string tag) say it once, the first, more specific one. */
function onePerField(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}\0${p.field}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Kubernetes' limits on one object: its annotations together (the API server refuses more), and the object as etcd stores it. */
export const MAX_ANNOTATION_BYTES = 256 * 1024;
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

/** What the API server would refuse of a HelmRelease (with values that are plain JSON), checked before it is committed. */
function checkObjectLimits(release: ReleaseDefinition, at: string, add: Add): void {
  const annotations = Object.entries(release.annotations ?? {}).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (annotations > MAX_ANNOTATION_BYTES) {
    add(`${at}.annotations`, `are ${annotations} bytes together, over Kubernetes' limit of ${MAX_ANNOTATION_BYTES} (256 KiB) for one object's annotations`, 'Keep large data out of annotations: put it in a ConfigMap, or in values.');
  }
  // The rendered object adds a few hundred bytes of its own around the definition.
  const bytes = Buffer.byteLength(JSON.stringify({ ...release, imported: undefined })) + 4096;
  if (bytes > MAX_OBJECT_BYTES) {
    add(at, `would render to about ${bytes} bytes, over the ${MAX_OBJECT_BYTES} (1.5 MiB) the API server stores for one object`, 'Keep large data out of the HelmRelease: put it in the chart, or in a ConfigMap or Secret referenced with valuesFrom.');
  }
}

/** A definition whose releases' `values` are their final, layered values. */
function withFinalValues(definition: EnvironmentDefinition): EnvironmentDefinition {
  if (!(definition.releases ?? []).some((r) => r.imported?.sharedValues !== undefined)) return definition;
  return Object.freeze({
    ...definition,
    releases: Object.freeze(
      definition.releases!.map((release) => {
        const values = finalValues(release);
        return Object.freeze({ ...release, ...(values === undefined ? {} : { values }) });
      }),
    ),
  });
}

type Add = (field: string, message: string, fix: string) => void;

/** The `flux` field that writes each automation annotation, for messages. */
function fluxField(key: string): string {
  const simple: Record<string, string> = {
    'fluxcd.io/automated': 'flux.automated',
    'fluxcd.io/locked': 'flux.locked',
    'fluxcd.io/locked_msg': 'flux.lockedMessage',
    'fluxcd.io/locked_user': 'flux.lockedUser',
    'fluxcd.io/ignore': 'flux.ignore',
  };
  if (simple[key]) return simple[key];
  const [prefix, container] = key.split('/');
  return `flux.containers${fieldPath('', container).replace(/^([^[])/, '.$1')}.${prefix.split('.')[0]}`;
}

/**
 * Flux's image automation of one release: annotations given twice, filters
 * Flux would read as "every tag", filters of containers the values do not
 * have, and tags Flux would not update (not strings).
 */
function checkAutomation(release: ReleaseDefinition, at: string, add: Add, dialect: Dialect): void {
  const flux = release.flux;
  const written = automationAnnotations(flux);
  const annotations = release.annotations ?? {};
  for (const key of Object.keys(written)) {
    if (Object.prototype.hasOwnProperty.call(annotations, key)) {
      add(fieldPath(`${at}.annotations`, key), `is set by ${fluxField(key)}`, `Remove the annotation and keep ${fluxField(key)}.`);
    }
  }
  if (flux !== undefined && !flux.locked && (flux.lockedMessage !== undefined || flux.lockedUser !== undefined)) {
    add(`${at}.flux.${flux.lockedMessage !== undefined ? 'lockedMessage' : 'lockedUser'}`, 'is given without locked: true', 'Set locked: true, or remove it.');
  }
  // Filters and paths, typed or given as raw annotations (hand-written repositories port unchanged).
  const all = { ...annotations, ...written };
  const fieldOf = (key: string) => (Object.prototype.hasOwnProperty.call(written, key) ? `${at}.${fluxField(key)}` : fieldPath(`${at}.annotations`, key));
  const known = new Set(valuesContainers(release.values));
  for (const key of Object.keys(all)) if (key.startsWith('repository.fluxcd.io/')) known.add(key.slice('repository.fluxcd.io/'.length));
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith('filter.fluxcd.io/')) continue;
    const container = key.slice('filter.fluxcd.io/'.length);
    const problem = filterProblem(value, dialect);
    if (problem) add(fieldOf(key), `${JSON.stringify(value)} ${problem}, and Flux would then update to every tag`, 'Fix the filter, e.g. "glob:v*", "semver:~1.2" or "regex:^v[0-9]+$".');
    if (!known.has(container)) {
      const have = [...known];
      add(
        fieldOf(key),
        `filters container "${container}", which the values do not have`,
        have.length > 0
          ? `Use one of the release's containers: ${have.join(', ')}.`
          : `Add the image to values (values.image for "${CHART_IMAGE}", values.<name>.image for a container <name>), or give its path with flux.containers.${container}.repository.`,
      );
    }
  }
  if (flux?.automated && release.values !== undefined) {
    const values = release.values as Record<string, unknown>;
    const images: [string, unknown][] = known.has(CHART_IMAGE) ? [['values', values]] : [];
    for (const container of valuesContainers(release.values)) if (container !== CHART_IMAGE) images.push([fieldPath('values', container), values[container]]);
    for (const [where, holder] of images) {
      const h = holder as Record<string, unknown>;
      const image = h.image;
      const tags: [string, unknown][] = [[`${where}.tag`, image !== null && typeof image === 'object' ? undefined : h.tag]];
      if (image !== null && typeof image === 'object' && !Array.isArray(image)) tags.push([`${where}.image.tag`, (image as Record<string, unknown>).tag]);
      for (const [field, tag] of tags) {
        if (typeof tag === 'number' || typeof tag === 'boolean') {
          add(`${at}.${field}`, `is ${JSON.stringify(tag)}, not a string: Flux updates only tags written as strings`, `Quote it: '${String(tag)}'.`);
        }
      }
    }
  }
}

/** Points at the first character a DNS label cannot hold, when it may look like one that can (e.g. a Cyrillic "е"). */
function strangeCharacter(name: string): string {
  const c = Array.from(name).find((ch) => !/[a-z0-9-]/.test(ch));
  if (c === undefined) return '';
  return ` (it holds ${JSON.stringify(c)}, U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** A URL with a password would commit it to git (and print it in review): credentials belong to Flux's secrets. */
function checkUrlCredentials(url: unknown, field: string, add: Add): void {
  if (typeof url === 'string' && urlHasPassword(url)) {
    add(field, 'holds a password (user:password@), and the definition is committed to git', "Remove the credentials from the URL: give Flux the repository's credentials in a Secret (chart.secretRef for a Helm repository; the deploy key or git credentials Flux is installed with for git).");
  }
}

function checkChart(release: ReleaseDefinition, at: string, add: Add): void {
  const chart = release.chart as unknown as Record<string, unknown>;
  checkUrlCredentials(chart.git, `${at}.git`, add);
  checkUrlCredentials(chart.repository, `${at}.repository`, add);
  (release.valuesFrom ?? []).forEach((from, i) => {
    if ('externalSourceRef' in from) checkUrlCredentials(from.externalSourceRef.url, `${at.replace(/\.chart$/, '')}.valuesFrom[${i}].externalSourceRef.url`, add);
  });
  const isGit = chart.git !== undefined;
  const isRepository = chart.repository !== undefined;
  if (isGit === isRepository) {
    add(
      at,
      isGit ? 'has both git and repository' : 'has neither git nor repository',
      'Use exactly one chart source: { git, path, ref } for a chart in a git repository, or { repository, name, version } for a Helm repository.',
    );
    return;
  }
  const [needs, forbids, kind] = isGit
    ? [['path', 'ref'], ['name', 'version', 'secretRef'], 'a git chart']
    : [['name', 'version'], ['path', 'ref', 'skipDepUpdate'], 'a Helm repository chart'];
  for (const field of needs) {
    if (chart[field] === undefined) add(`${at}.${field}`, `is required for ${kind}`, `Add ${field}: ${fieldHint(field)}.`);
  }
  for (const field of forbids) {
    if (chart[field] !== undefined) {
      add(`${at}.${field}`, `does not apply to ${kind}`, `Remove ${field}; ${kind} takes ${needs.join(' and ')}.`);
    }
  }
}

function fieldHint(field: string): string {
  return (
    {
      path: 'the chart folder relative to the repository root, e.g. "charts/web"',
      ref: 'a branch, tag or commit, e.g. "master"',
      name: 'the chart name, e.g. "redis"',
      version: 'the exact chart version, e.g. "10.5.7"',
    } as Record<string, string>
  )[field];
}

/** Checks that values are plain JSON data that YAML can carry, within the size limits; returns whether they are. */
function checkValues(values: unknown, at: string, add: Add): boolean {
  let ok = true;
  const report: Add = (f, m, x) => {
    ok = false;
    add(f, m, x);
  };
  walkJson(values, at, new Set(), 0, report);
  if (!ok) return false;
  const bytes = Buffer.byteLength(JSON.stringify(values));
  if (bytes > MAX_VALUES_BYTES) {
    add(
      at,
      `are ${bytes} bytes as JSON, over the limit of ${MAX_VALUES_BYTES} (512 KiB)`,
      'Keep large data out of the HelmRelease: put it in the chart, or in a ConfigMap or Secret referenced with valuesFrom.',
    );
    return false;
  }
  return true;
}

function walkJson(value: unknown, at: string, ancestors: Set<object>, depth: number, add: Add): void {
  switch (typeof value) {
    case 'string': // lone surrogates: refused when the definition was read (normalize.ts)
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        add(at, `is ${value}, which is not JSON data`, 'Use a finite number, or a string such as "Infinity" if the chart expects one.');
      }
      return;
    case 'undefined':
      add(at, 'is undefined', 'Remove the key, or use null to remove a default of the chart.');
      return;
    case 'bigint':
      add(at, `is a BigInt (${value}n)`, 'Use a number, or a string if it does not fit in a double.');
      return;
    case 'function':
    case 'symbol':
      add(at, `is a ${typeof value}, which is not data`, 'Use a string, number, boolean, null, array or plain object.');
      return;
  }
  if (value === null) return;
  const object = value as object;
  if (ancestors.has(object)) {
    add(at, 'refers back to an object that contains it (a cycle)', 'Build the values as a tree: copy the shared part instead of referring to it.');
    return;
  }
  if (depth >= MAX_VALUES_DEPTH) {
    add(at, `is nested deeper than ${MAX_VALUES_DEPTH} levels`, 'Flatten the values.');
    return;
  }
  const proto = Object.getPrototypeOf(object);
  if (Array.isArray(object)) {
    ancestors.add(object);
    for (let i = 0; i < object.length; i++) {
      if (!(i in object)) add(fieldPath(at, i), 'is a hole in the array', 'Fill it, e.g. with null.');
      else walkJson(object[i], fieldPath(at, i), ancestors, depth + 1, add);
    }
    ancestors.delete(object);
    return;
  }
  if (proto !== Object.prototype && proto !== null) {
    const kind = (proto?.constructor?.name as string | undefined) ?? 'non-plain';
    const fix = object instanceof Date ? 'Use a string, e.g. date.toISOString().' : 'Use a plain object literal ({ ... }) with JSON data.';
    add(at, `is a ${kind} object, not plain data`, fix);
    return;
  }
  ancestors.add(object);
  for (const key of Object.keys(object)) {
    const child = fieldPath(at, key);
    const written = yamlKey(key).length;
    if (written > MAX_KEY_LENGTH) {
      add(child, `key is ${written} characters as YAML, over the ${MAX_KEY_LENGTH} YAML parsers accept`, 'Shorten the key.');
      continue;
    }
    walkJson((object as Record<string, unknown>)[key], child, ancestors, depth + 1, add);
  }
  ancestors.delete(object);
}

/** Turns an ajv error of the definition schema into a problem with its fix. */
function schemaProblem(env: LoadedEnvironment, error: SchemaError): Problem {
  const segments = error.instancePath.split('/').slice(1).map(unescapePointer);
  const field = pointerField('', error.instancePath);
  const node = schemaAt(error.schemaPath);
  const params = error.params as Record<string, unknown>;
  const shown = (f: string) => (f === '' ? '(default export)' : f);
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const child = (node?.properties as Record<string, Record<string, unknown>> | undefined)?.[missing];
      return {
        file: env.file,
        field: fieldPath(field, missing),
        message: 'is required',
        fix: `Add ${missing}.` + (child?.['x-fix'] ? ` ${child['x-fix']}` : ''),
      };
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const known = Object.keys((node?.properties as object | undefined) ?? {});
      const guess = closest(extra, known);
      return {
        file: env.file,
        field: fieldPath(field, extra),
        message: 'is not a known field',
        fix: `${guess ? `Did you mean ${guess}? ` : ''}Remove it or correct its spelling; the fields here are ${known.join(', ')}.`,
      };
    }
    default: {
      const fix = (node?.['x-fix'] as string | undefined) ?? genericFix(error);
      const value = valueAt(env.definition, segments);
      if (error.propertyName !== undefined) {
        return { file: env.file, field: fieldPath(field, error.propertyName), message: `key "${error.propertyName}" is not valid`, fix };
      }
      const what = typeof value === 'string' ? `"${value}"` : describeType(value);
      const message =
        error.keyword === 'type'
          ? `must be ${article(String(params.type))} (got ${describeType(value)})`
          : error.keyword === 'maxLength'
            ? `${what} is longer than ${params.limit} characters`
            : error.keyword === 'minLength'
              ? 'must not be empty'
              : error.keyword === 'enum'
                ? `${what} is not one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
                : `${what} is not valid`;
      return { file: env.file, field: shown(field), message, fix };
    }
  }
}

function genericFix(error: SchemaError): string {
  return error.keyword === 'type' ? `Use ${article(String((error.params as { type: string }).type))}.` : 'See the field\'s documentation in src/definition/types.ts.';
}

function article(type: string): string {
  return { object: 'an object', array: 'an array', string: 'a string', boolean: 'a boolean', integer: 'an integer', number: 'a number' }[type] ?? type;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string "${value}"`;
  if (typeof value === 'bigint') return 'a BigInt';
  return `${typeof value === 'number' ? 'the number' : typeof value === 'boolean' ? 'the boolean' : `a ${typeof value}`}${typeof value === 'number' || typeof value === 'boolean' ? ` ${String(value)}` : ''}`;
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function valueAt(data: unknown, segments: string[]): unknown {
  let v = data;
  for (const s of segments) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined;
  return v;
}

/** The schema node that holds the failed keyword (`#/properties/a/pattern` -> properties.a). */
function schemaAt(schemaPath: string): Record<string, unknown> | undefined {
  let node: unknown = environmentSchema;
  for (const s of schemaPath.split('/').slice(1, -1).map(unescapePointer)) {
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[s] : undefined;
  }
  return node as Record<string, unknown> | undefined;
}
