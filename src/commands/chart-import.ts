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
import { readChart } from '../charts/source';
import { chartFolder } from '../values/check';
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

/** The type name generated for a chart's values: `helmbasics` → `HelmbasicsValues`. */
export function valuesTypeName(name: string): string {
  return `${name.split(/[^A-Za-z0-9]+/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}Values`;
}

/** The variable an `index.ts` exports: `my-chart` → `myChart`. */
function variableName(name: string): string {
  const camel = name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return /^[0-9]/.test(camel) ? `chart${camel}` : camel;
}

export async function chartImport(options: ChartImportOptions): Promise<ChartImportReport> {
  const cwd = options.cwd ?? process.cwd();
  const root = findProjectRoot(cwd);
  let chart;
  try {
    chart = readChart(options.source, cwd);
  } catch (err) {
    throw new InputError([{ file: options.source, field: '(chart)', message: (err as Error).message.replace(/^[^:]*: /, ''), fix: 'Give the folder of a Helm chart (holding Chart.yaml) or a .tgz made by helm package.' }]);
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
  const schemaFile = path.join(root, folder, 'values.schema.json');
  const written: string[] = [];
  const kept: string[] = [];
  let schema: JsonSchema;
  let from: ChartImportReport['schema'];
  if (fs.existsSync(schemaFile) && !options.replaceSchema) {
    schema = readSchema(root, name);
    from = 'kept';
    kept.push(`${folder}/values.schema.json`);
  } else {
    if (chart.valuesSchemaJson !== undefined) {
      try {
        schema = JSON.parse(chart.valuesSchemaJson) as JsonSchema;
      } catch (err) {
        throw new InputError([{ file: `${options.source}/values.schema.json`, field: '(file)', message: `is not JSON: ${(err as Error).message}`, fix: "Fix the chart's schema, or remove it to have one inferred from values.yaml." }]);
      }
      from = 'chart';
    } else {
      schema = inferSchema(chart.valuesYaml === undefined ? null : parseYaml(chart.valuesYaml, `${options.source}/values.yaml`), valuesTypeName(name));
      from = 'inferred';
    }
    fs.mkdirSync(path.dirname(schemaFile), { recursive: true });
    writeAtomically(schemaFile, `${JSON.stringify(schema, null, 2)}\n`);
    written.push(`${folder}/values.schema.json`);
  }
  await writeTypes(root, name, schema);
  written.push(`${folder}/values.ts`);
  const indexFile = path.join(root, folder, 'index.ts');
  if (fs.existsSync(indexFile)) kept.push(`${folder}/index.ts`);
  else {
    writeAtomically(indexFile, indexText(name, chart.source, meta));
    written.push(`${folder}/index.ts`);
  }
  return { name, schema: from, written, kept };
}

/** Regenerates `values.ts` of imported charts (all of them without names) from their committed schemas. */
export async function chartTypes(options: { readonly names?: readonly string[]; readonly cwd?: string }): Promise<string[]> {
  const root = findProjectRoot(options.cwd ?? process.cwd());
  const base = path.join(root, 'common', 'charts');
  const names = options.names?.length ? options.names : fs.existsSync(base) ? fs.readdirSync(base).filter((n) => fs.existsSync(path.join(base, n, 'values.schema.json'))).sort() : [];
  const written: string[] = [];
  for (const name of names) {
    await writeTypes(root, name, readSchema(root, name));
    written.push(`${chartFolder(name)}/values.ts`);
  }
  return written;
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
  return doc.toJS();
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

async function writeTypes(root: string, name: string, schema: JsonSchema): Promise<void> {
  const file = path.join(root, chartFolder(name), 'values.ts');
  const text = await typesText(name, schema);
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return;
  writeAtomically(file, text);
}

/** The first `index.ts` of an imported chart: the user's from then on. */
function indexText(name: string, source: string, meta: { description?: unknown } | null): string {
  const typeName = valuesTypeName(name);
  const isFolder = !/\.t(ar\.)?gz$/.test(source);
  const chartPath = isFolder ? path.basename(path.resolve(source)) : name;
  const description = typeof meta?.description === 'string' ? meta.description.trim().split('\n')[0] : `The chart ${name}`;
  return `// The chart ${name}: where it comes from, and the values all its releases share.
// Written once by \`helmflux chart import\`; yours to edit. Its types (./values.ts)
// come from ./values.schema.json: tighten the schema, then \`npx helmflux chart types\`.
import { defineChart, settings } from 'helmflux';
import schema from './values.schema.json';
import type { ${typeName} } from './values';

/** ${description.replace(/\*\//g, '* /')} (\`${chartPath}/\` in the charts repository). */
export const ${variableName(name)} = defineChart<${typeName}>({
  name: ${literalText(name)},
  schema,
  // The chart's folder in the git repository of the settings, at the release's ref.
  source: (ref) => ({ git: settings.chartsGitUrl, path: ${literalText(chartPath)}, ref }),
  // Values every release of ${name} shares; each release's own values are merged over them.
  values: {},
});
`;
}
