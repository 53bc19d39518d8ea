/**
 * `helmflux chart import` and `helmflux chart types` as library functions.
 *
 * A chart imported as `<name>` lives in `common/charts/<name>/`:
 * - `values.schema.json`: its values schema: the chart's own, or inferred from
 *   its `values.yaml` (`charts/infer.ts`). Yours to tighten: a later import
 *   keeps it (`replaceSchema` takes the chart's again).
 * - `values.ts`: TypeScript types generated from that schema
 *   (json-schema-to-typescript). Never edited by hand: `chart types`
 *   regenerates it from the committed schema.
 * - `index.ts`: the chart (`defineChart`): where it comes from and the values
 *   all its releases share. Written once, when absent; then yours.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import type { JsonSchema } from '../definition/types';
import { findProjectRoot } from '../load/project';
import { inferSchema } from '../charts/infer';
import { ChartSourceError, readChart } from '../charts/source';
import { chartLocation, ChartLocationError } from '../charts/location';
import { urlHasPassword } from '../definition/secret-keys';
import { loadSettings } from '../load/settings';
import { chartFolder } from '../values/check';
import { MAX_ALIASES } from '../output/read';
import { writeAtomically } from '../output/writer';
import { InputError } from '../problems';
import { literalText } from '../edit/literals';

export interface ChartImportOptions {
  /** A chart folder or packaged `.tgz`. */
  readonly source: string;
  /** The chart's name in this repository. @default - the `name` of its Chart.yaml */
  readonly name?: string;
  /** Replace a committed schema with the chart's own (or a new inferred one). */
  readonly replaceSchema?: boolean;
  /** The git repository Flux clones the chart from. @default - the folder's origin remote (the settings' chartsGitUrl when it is that one) */
  readonly git?: string;
  /** The chart's folder in that repository. @default - the folder's path from its git work tree's root */
  readonly path?: string;
  /** For a packaged chart: the Helm repository serving it (a Helm repository source, by the chart's name; a release's ref is the version). */
  readonly repository?: string;
  /** Receives a line per phase (reading, inferring, generating types). @default - lines are dropped */
  readonly progress?: (line: string) => void;
  readonly cwd?: string;
}

export interface ChartImportReport {
  readonly name: string;
  /** Where the schema came from. */
  readonly schema: 'chart' | 'inferred' | 'kept';
  /** Files written, relative to the project root. */
  readonly written: readonly string[];
  /** Files left as they were (the user's). */
  readonly kept: readonly string[];
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The type name generated for a chart's values: `helmbasics` → `HelmbasicsValues`; `3scale` → `Chart3scaleValues`. */
export function valuesTypeName(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return `${/^[0-9]/.test(words) ? 'Chart' : ''}${words}Values`;
}

/** Words a variable cannot be (JavaScript's reserved words) or must not be in an `index.ts` (the names it imports). */
const TAKEN = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await arguments eval undefined NaN Infinity defineChart settings schema'.split(' '),
);

/** The variable an `index.ts` exports: `my-chart` → `myChart`; `3scale` → `chart3scale`; `class` → `classChart`. */
export function variableName(name: string): string {
  const camel = name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  if (/^[0-9]/.test(camel)) return `chart${camel}`;
  return TAKEN.has(camel) || camel === valuesTypeName(name) ? `${camel}Chart` : camel;
}

/** How deep values or a schema may nest: real charts stay under a dozen levels; type generation recurses per level. */
const MAX_DEPTH = 64;

/** How deeply a JSON value nests (a scalar is 0). */
function depthOf(value: unknown, limit = MAX_DEPTH + 1): number {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  for (const v of Object.values(value as Record<string, unknown>)) {
    deepest = Math.max(deepest, 1 + depthOf(v, limit - 1));
    if (deepest >= limit) break;
  }
  return deepest === 0 ? 1 : deepest;
}

/**
 * Why a chart's values schema cannot be imported, or undefined: a `$ref` that
 * leaves the file (a path or URL: never read), one that points nowhere, a
 * chain of `$ref`s that loops without a schema, or nesting past `MAX_DEPTH`.
 */
function schemaProblem(schema: unknown): string | undefined {
  if (depthOf(schema) > MAX_DEPTH) return `nests more than ${MAX_DEPTH} levels deep`;
  const refs: string[] = [];
  const collect = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(collect);
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === '$ref' && typeof x === 'string') refs.push(x);
      else collect(x);
    }
  };
  collect(schema);
  const resolve = (ref: string): unknown =>
    ref
      .slice(2)
      .split('/')
      .filter((p) => p !== '')
      .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), schema);
  for (const ref of refs) {
    if (ref !== '#' && !ref.startsWith('#/')) return `has "$ref": ${JSON.stringify(ref)}, which leaves the file (only references inside it, "#/...", are read)`;
    const seen = new Set<string>();
    for (let at: string | undefined = ref; at !== undefined; ) {
      if (seen.has(at)) return `has "$ref": ${JSON.stringify(ref)}, a chain of references that loops without reaching a schema`;
      seen.add(at);
      const target: unknown = at === '#' ? schema : resolve(at);
      if (target === undefined) return `has "$ref": ${JSON.stringify(ref)}, which points to nothing in the file`;
      const next: unknown = target !== null && typeof target === 'object' ? (target as Record<string, unknown>).$ref : undefined;
      at = typeof next === 'string' && (next === '#' || next.startsWith('#/')) ? next : undefined;
    }
  }
  return undefined;
}

export async function chartImport(options: ChartImportOptions): Promise<ChartImportReport> {
  const cwd = options.cwd ?? process.cwd();
  const root = findProjectRoot(cwd);
  let chart;
  options.progress?.(`reading ${options.source}`);
  try {
    chart = readChart(options.source, cwd);
  } catch (err) {
    if (!(err instanceof ChartSourceError)) throw err;
    const fix = err.file === options.source ? 'Give the folder of a Helm chart (holding Chart.yaml) or a .tgz made by helm package.' : 'Make it a regular file inside the chart folder, or remove it.';
    throw new InputError([{ file: err.file, field: err.file === options.source ? '(chart)' : '(file)', message: err.message, fix }]);
  }
  const meta = parseYaml(chart.chartYaml, `${options.source}/Chart.yaml`) as { name?: unknown; description?: unknown } | null;
  const name = options.name ?? (typeof meta?.name === 'string' ? meta.name : '');
  if (!NAME.test(name) || name.length > 63) {
    throw new InputError([
      {
        file: options.name !== undefined ? '--name' : `${options.source}/Chart.yaml`,
        field: options.name !== undefined ? '(flag)' : 'name',
        message: `${JSON.stringify(name)} is not a name helmflux can give a chart folder and type`,
        fix: 'Name it with --name: lowercase letters, digits and "-", e.g. --name helmbasics.',
      },
    ]);
  }
  const folder = chartFolder(name);
  checkFolder(root, folder);
  const schemaFile = path.join(root, folder, 'values.schema.json');
  const kept: string[] = [];
  // Everything is made in memory first: nothing is written unless all of it succeeded.
  const staged = new Map<string, string>();
  let schema: JsonSchema;
  let from: ChartImportReport['schema'];
  if (fs.existsSync(schemaFile) && !options.replaceSchema) {
    schema = readSchema(root, name);
    from = 'kept';
    kept.push(`${folder}/values.schema.json`);
  } else {
    if (chart.valuesSchemaJson !== undefined) {
      const file = `${options.source}/values.schema.json`;
      try {
        schema = JSON.parse(chart.valuesSchemaJson) as JsonSchema;
      } catch (err) {
        throw new InputError([{ file, field: '(file)', message: `is not JSON: ${(err as Error).message}`, fix: "Fix the chart's schema, or remove it to have one inferred from values.yaml." }]);
      }
      const problem = schemaProblem(schema);
      if (problem !== undefined) throw new InputError([{ file, field: '(file)', message: problem, fix: "Fix the chart's schema, or import with a schema of your own in its place." }]);
      from = 'chart';
    } else {
      const file = `${options.source}/values.yaml`;
      const values = chart.valuesYaml === undefined ? null : parseYaml(chart.valuesYaml, file);
      if (values !== null && (typeof values !== 'object' || Array.isArray(values))) {
        throw new InputError([{ file, field: '(file)', message: `is ${Array.isArray(values) ? 'a list' : 'a scalar'}, not a mapping of values (Helm merges values as a mapping)`, fix: 'Fix the chart: its values.yaml holds keys and values.' }]);
      }
      if (depthOf(values) > MAX_DEPTH) throw new InputError([{ file, field: '(file)', message: `nests more than ${MAX_DEPTH} levels deep`, fix: 'Import a chart whose values nest less deeply, or give it a values.schema.json.' }]);
      schema = inferSchema(values, valuesTypeName(name));
      from = 'inferred';
    }
    staged.set(`${folder}/values.schema.json`, `${JSON.stringify(schema, null, 2)}\n`);
  }
  options.progress?.(`generating the TypeScript types of ${name}`);
  staged.set(`${folder}/values.ts`, await typesOf(name, schema, from === 'kept' ? `${folder}/values.schema.json` : options.source));
  if (fs.existsSync(path.join(root, folder, 'index.ts'))) kept.push(`${folder}/index.ts`);
  else staged.set(`${folder}/index.ts`, indexText(name, sourceOf(options, root, meta), meta));
  fs.mkdirSync(path.join(root, folder), { recursive: true });
  for (const [file, text] of staged) writeIfChanged(path.join(root, file), text);
  return { name, schema: from, written: [...staged.keys()], kept };
}

/** `common/charts/<name>` must be a folder (or absent): a file or link there is the user's to move. */
function checkFolder(root: string, folder: string): void {
  let at = root;
  for (const part of folder.split('/')) {
    at = path.join(at, part);
    const stat = fs.lstatSync(at, { throwIfNoEntry: false });
    if (stat === undefined) return;
    if (!stat.isDirectory()) {
      throw new InputError([{ file: path.relative(root, at).split(path.sep).join('/'), field: '(file)', message: `is ${stat.isSymbolicLink() ? 'a symbolic link' : 'a file'}, where the chart's folder goes`, fix: 'Move it away (helmflux writes a chart into a real folder there), or import the chart under another --name.' }]);
    }
  }
}

/** The generated types of a schema; a schema json-schema-to-typescript cannot read is the chart's problem (exit 2), named by `file`. */
async function typesOf(name: string, schema: JsonSchema, file: string): Promise<string> {
  try {
    return await typesText(name, schema);
  } catch (err) {
    throw new InputError([{ file, field: '(schema)', message: `cannot be turned into TypeScript types (${(err as Error).message.split('\n')[0]})`, fix: 'Fix the schema (or import with one of your own), then import again.' }]);
  }
}

function writeIfChanged(file: string, text: string): void {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return;
  writeAtomically(file, text);
}

/** Regenerates `values.ts` of imported charts (all of them without names) from their committed schemas. */
export async function chartTypes(options: { readonly names?: readonly string[]; readonly cwd?: string }): Promise<string[]> {
  const root = findProjectRoot(options.cwd ?? process.cwd());
  const base = path.join(root, 'common', 'charts');
  const names = options.names?.length ? options.names : fs.existsSync(base) ? fs.readdirSync(base).filter((n) => NAME.test(n) && fs.existsSync(path.join(base, n, 'values.schema.json'))).sort() : [];
  // A name is a chart's folder under common/charts/, never a path (`../../x` would write outside).
  const bad = names.filter((n) => !NAME.test(n));
  if (bad.length > 0) {
    throw new InputError(bad.map((n) => ({ file: 'chart types', field: JSON.stringify(n), message: 'is not the name of an imported chart', fix: 'Give the names of folders under common/charts/ (lowercase letters, digits and "-"), or none for all.' })));
  }
  const staged = new Map<string, string>();
  for (const name of names) {
    const file = `${chartFolder(name)}/values.schema.json`;
    const schema = readSchema(root, name);
    const problem = schemaProblem(schema);
    if (problem !== undefined) throw new InputError([{ file, field: '(file)', message: problem, fix: 'Fix the schema, then run chart types again.' }]);
    staged.set(`${chartFolder(name)}/values.ts`, await typesOf(name, schema, file));
  }
  for (const [file, text] of staged) writeIfChanged(path.join(root, file), text);
  return [...staged.keys()];
}

function readSchema(root: string, name: string): JsonSchema {
  const file = `${chartFolder(name)}/values.schema.json`;
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, file), 'utf8');
  } catch {
    throw new InputError([{ file, field: '(file)', message: 'does not exist', fix: `Import the chart first: helmflux chart import <chart folder> --name ${name}.` }]);
  }
  try {
    return JSON.parse(text) as JsonSchema;
  } catch (err) {
    throw new InputError([{ file, field: '(file)', message: `is not JSON: ${(err as Error).message}`, fix: 'Fix the JSON.' }]);
  }
}

function parseYaml(text: string, file: string): unknown {
  // Helm reads charts with go-yaml (YAML 1.1 scalars: `yes` is a boolean).
  const doc = YAML.parseDocument(text, { version: '1.1', uniqueKeys: false });
  if (doc.errors.length > 0) throw new InputError([{ file, field: '(file)', message: `is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`, fix: 'Fix the YAML (helm lint shows the same error).' }]);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    // An alias bomb ("billion laughs") ends here, not in memory.
    throw new InputError([{ file, field: '(file)', message: `cannot be read: ${(err as Error).message.split('\n')[0]}`, fix: 'Fix the YAML: use fewer aliases (*name).' }]);
  }
}

/** The text of a generated `values.ts` for a schema: deterministic for given package versions. */
export async function typesText(name: string, schema: JsonSchema): Promise<string> {
  const { compile } = require('json-schema-to-typescript') as typeof import('json-schema-to-typescript');
  const typeName = valuesTypeName(name);
  const forTypes = typeof schema === 'object' ? { ...schema, title: typeName } : { title: typeName };
  const banner = [
    '/* eslint-disable */',
    `// Generated by \`helmflux chart types ${name}\` from ./values.schema.json (json-schema-to-typescript).`,
    '// Do not edit: edit the schema, then run `npx helmflux chart types` again.',
  ].join('\n');
  return compile(forTypes as Parameters<typeof compile>[0], typeName, {
    bannerComment: banner,
    additionalProperties: true,
    strictIndexSignatures: false,
    unknownAny: true,
    style: { singleQuote: true, printWidth: 120 },
    $refOptions: { resolve: { external: false, http: false, file: false } } as never,
  });
}

/** Where the chart comes from, as the `source` lines of its `index.ts` (a comment line, then the property). */
function sourceOf(options: ChartImportOptions, root: string, meta: { name?: unknown; version?: unknown } | null): { comment: string; code: string; where: string } {
  const cwd = options.cwd ?? process.cwd();
  const isArchive = /\.t(ar\.)?gz$/.test(options.source);
  if (options.repository !== undefined) {
    if (!isArchive) throw new InputError([{ file: '--repository', field: JSON.stringify(options.repository), message: 'is for a packaged chart (.tgz)', fix: 'Import the .tgz the repository serves, or leave out --repository to import the folder from git.' }]);
    if (!/^https?:\/\/\S+$/.test(options.repository) || urlHasPassword(options.repository)) {
      throw new InputError([{ file: '--repository', field: JSON.stringify(options.repository), message: 'is not an http(s) Helm repository URL without credentials', fix: 'Give the URL helm repo add takes, e.g. https://charts.bitnami.com/bitnami (credentials go in chart.secretRef).' }]);
    }
    const chartName = typeof meta?.name === 'string' ? meta.name : '';
    const version = typeof meta?.version === 'string' ? meta.version : '';
    return {
      comment: `// The chart ${JSON.stringify(chartName)} of the Helm repository ${options.repository}; a release's ref is the chart version (imported: ${version || 'unknown'}).`,
      code: `source: (version) => ({ repository: ${literalText(options.repository)}, name: ${literalText(chartName)}, version }),`,
      where: `${chartName} in ${options.repository}`,
    };
  }
  if (isArchive) {
    // A packaged chart without its repository: its folder in the settings' git repository is taken to be its name.
    return { comment: "// The chart's folder in the git repository of the settings, at the release's ref.", code: `source: (ref) => ({ git: settings.chartsGitUrl, path: ${literalText(options.name ?? String(meta?.name ?? ''))}, ref }),`, where: `${options.name ?? String(meta?.name ?? '')}/` };
  }
  let location;
  try {
    location = chartLocation(path.resolve(cwd, options.source), loadSettings(root).settings.chartsGitUrl, { git: options.git, path: options.path });
  } catch (err) {
    if (!(err instanceof ChartLocationError)) throw err;
    throw new InputError([{ file: options.source, field: '(chart)', message: err.message, fix: err.fix }]);
  }
  const git = location.url === 'settings' ? 'settings.chartsGitUrl' : literalText(location.url);
  return {
    comment: location.url === 'settings' ? "// The chart's folder in the git repository of the settings, at the release's ref." : `// The chart's folder in ${location.url}, at the release's ref.`,
    code: `source: (ref) => ({ git: ${git}, path: ${literalText(location.path)}, ref }),`,
    where: `${location.path}/`,
  };
}

/** The first `index.ts` of an imported chart: the user's from then on. */
function indexText(name: string, source: { comment: string; code: string; where: string }, meta: { description?: unknown } | null): string {
  const typeName = valuesTypeName(name);
  const description = typeof meta?.description === 'string' ? meta.description.trim().split('\n')[0] : `The chart ${name}`;
  return `// The chart ${name}: where it comes from, and the values all its releases share.
// Written once by \`helmflux chart import\`; yours to edit. Its types (./values.ts)
// come from ./values.schema.json: tighten the schema, then \`npx helmflux chart types\`.
import { defineChart${source.code.includes('settings.') ? ', settings' : ''} } from 'helmflux';
import schema from './values.schema.json';
import type { ${typeName} } from './values';

/** ${description.replace(/\*\//g, '* /')} (\`${source.where}\`). */
export const ${variableName(name)} = defineChart<${typeName}>({
  name: ${literalText(name)},
  schema,
  ${source.comment.replace(/\*\//g, '* /')}
  ${source.code}
  // Values every release of ${name} shares; each release's own values are merged over them.
  values: {},
});
`;
}
