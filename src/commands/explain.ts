/**
 * `helmflux explain <env> <release> [path]` as a library function: a
 * release's final values (or those under `path`), each with the layer that
 * set it (`values/layers.ts`) and where: file and line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { valueLine, type ValueAnchor } from '../edit/literals';
import { openProject } from '../engine/pipeline';
import { environmentName, listEnvironmentFiles, loadEnvironments } from '../load/loader';
import type { ProjectOptions } from '../load/project';
import { fieldPath, InputError } from '../problems';
import { closest } from '../suggest';
import type { HelmValue, JsonSchema, ReleaseDefinition } from '../definition/types';
import { validateEnvironments } from '../definition/validate';
import { layerOf, valuesLayers } from '../values/layers';
import { chartFolder } from '../values/check';

export interface ExplainOptions extends ProjectOptions {
  readonly environment: string;
  /** The HelmRelease name or the Helm release name. */
  readonly release: string;
  /** A path under values: `ingress.host`, `ingress.annotations["kubernetes.io/ingress.class"]`. @default - every value */
  readonly path?: string;
}

/** One final value and where it comes from. */
export interface ExplainedValue {
  /** Its path under values, as helmflux writes fields. */
  readonly path: string;
  /** The value, or undefined when no layer sets it (the chart's default applies). */
  readonly value?: HelmValue;
  /** `release <name>`, `chart <name>, shared values`, or `chart default`. */
  readonly layer: string;
  /** The file that sets it (relative to the project root), when known. */
  readonly file?: string;
  readonly line?: number;
  /** The default of the chart's schema, when no layer sets it and the schema has one. */
  readonly chartDefault?: unknown;
}

/** Splits `a.b["c.d"][0]` into keys. */
export function parseValuesPath(text: string): string[] {
  const keys: string[] = [];
  const re = /(?:^|\.)([^.[\]"]+)|\[("(?:[^"\\]|\\.)*")\]|\[(\d+)\]/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < text.length && (m = re.exec(text)) !== null) {
    keys.push(m[1] ?? (m[2] !== undefined ? (JSON.parse(m[2]) as string) : m[3]));
    at = re.lastIndex;
  }
  if (at !== text.length || keys.length === 0) {
    throw new InputError([{ file: 'path', field: '(argument)', message: `${JSON.stringify(text)} is not a path under values`, fix: 'Write it as helmflux writes fields, e.g. ingress.host or ingress.annotations["kubernetes.io/ingress.class"].' }]);
  }
  return keys;
}

function isMapping(v: unknown): v is Record<string, HelmValue> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value under a key of a mapping, or an index of a list. */
function child(node: HelmValue | undefined, key: string): HelmValue | undefined {
  if (Array.isArray(node)) return /^\d+$/.test(key) && Number(key) < node.length ? (node as HelmValue[])[Number(key)] : undefined;
  return isMapping(node) && Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
}

export function explain(options: ExplainOptions): ExplainedValue[] {
  const project = openProject(options);
  const { dir, display } = project.environments;
  const fileName = listEnvironmentFiles(dir, display).find((f) => environmentName(f) === options.environment);
  if (fileName === undefined) {
    const names = listEnvironmentFiles(dir, display).map(environmentName);
    throw new InputError([{ file: `${display}/${options.environment}.ts`, field: '(file)', message: 'does not exist', fix: `Name one of the environments: ${names.join(', ') || '(none)'}.` }]);
  }
  const loaded = loadEnvironments({ dir, displayDir: display, fileNames: [fileName], settings: project.settings.settings });
  const checked = validateEnvironments(loaded.environments, project.settings.settings);
  if (loaded.problems.length + checked.problems.length > 0) throw new InputError([...loaded.problems, ...checked.problems]);
  const raw = loaded.environments[0];
  const valid = checked.valid[0];
  const namespace = valid.definition.namespace.name;
  const index = (valid.definition.releases ?? []).findIndex((r) => r.name === options.release || (r.releaseName ?? `${namespace}-${r.name}`) === options.release);
  if (index < 0) {
    const names = (valid.definition.releases ?? []).map((r) => r.name);
    throw new InputError([{ file: raw.file, field: 'releases', message: `has no release ${JSON.stringify(options.release)}`, fix: `Name one of its releases: ${names.join(', ') || '(none)'}.` }]);
  }
  const release = (raw.definition as { releases: ReleaseDefinition[] }).releases[index];
  const final = valid.definition.releases![index].values ?? {};
  const layers = valuesLayers(release);
  const base = options.path === undefined ? [] : parseValuesPath(options.path);

  // The leaves at or under the path, in the final values.
  const leaves: string[][] = [];
  const collect = (value: HelmValue | undefined, at: string[]) => {
    if (isMapping(value) && Object.keys(value).length > 0) for (const key of Object.keys(value)) collect(value[key], [...at, key]);
    else leaves.push(at);
  };
  let node: HelmValue | undefined = final;
  for (const key of base) node = child(node, key);
  if (node === undefined) {
    // Not in the values: a path the chart's schema does not have is a typo, not a default.
    const missing = release.imported === undefined ? undefined : schemaMiss(release.imported.schema, base);
    if (missing !== undefined) {
      const at = base.slice(0, missing.depth + 1).reduce<string>((text, key) => fieldPath(text, key), '');
      const guess = closest(base[missing.depth], missing.known);
      throw new InputError([
        {
          file: raw.file,
          field: `releases[${JSON.stringify(release.name)}].values.${at}`,
          message: `is not a value of chart ${release.imported!.name}`,
          fix: `${guess ? `Did you mean ${base.slice(0, missing.depth).concat(guess).reduce<string>((text, key) => fieldPath(text, key), '')}? ` : ''}The values ${missing.depth === 0 ? 'it has' : 'there'} are ${missing.known.join(', ') || '(none)'} (${chartFolder(release.imported!.name)}/values.schema.json).`,
        },
      ]);
    }
    leaves.push(base);
  } else collect(node, base);

  const files = new Map<string, string>();
  const read = (file: string) => {
    if (!files.has(file)) files.set(file, fs.readFileSync(file, 'utf8'));
    return files.get(file)!;
  };
  const envFile = path.join(dir, fileName);
  const chartFile = release.imported === undefined ? undefined : findChartFile(Object.keys(raw.source.deps), release.imported.name, read);
  const shown = (file: string) => path.relative(project.root, file).split(path.sep).join('/');

  return leaves.map((leaf) => {
    let value: HelmValue | undefined = final;
    let text = '';
    for (const key of leaf) {
      text = fieldPath(text, Array.isArray(value) ? Number(key) : key);
      value = child(value, key);
    }
    const i = layerOf(layers, leaf);
    if (i < 0) {
      const chartDefault = release.imported === undefined ? undefined : schemaDefault(release.imported.schema, leaf);
      return {
        path: text,
        layer: 'chart default',
        ...(release.imported ? { file: `${chartFolder(release.imported.name)}/values.schema.json` } : {}),
        ...(chartDefault !== undefined ? { chartDefault } : {}),
      };
    }
    const isRelease = layers[i].label.startsWith('release ');
    const file = isRelease ? envFile : chartFile;
    const anchor: ValueAnchor = isRelease ? { release: release.name } : { chart: release.imported!.name };
    const line = file === undefined ? undefined : valueLine(read(file), file, anchor, leaf);
    return { path: text, value, layer: layers[i].label, ...(file ? { file: shown(file) } : {}), ...(line !== undefined ? { line } : {}) };
  });
}

/** The file among an environment's imports that declares the chart (`defineChart({ name })`). */
function findChartFile(deps: readonly string[], chart: string, read: (file: string) => string): string | undefined {
  for (const file of deps.filter((f) => f.endsWith('.ts')).sort()) {
    let text: string;
    try {
      text = read(file);
    } catch {
      continue;
    }
    if (text.includes('defineChart') && valueLine(text, file, { chart }, []) !== undefined) return file;
  }
  return undefined;
}

/**
 * Where a path leaves what a schema allows: the depth of the first key its
 * `properties` lack (with the keys it has), or undefined when the schema has
 * the path or allows any key there (a free-form map, `additionalProperties`
 * not false, a list, or no `properties` to say).
 */
function schemaMiss(schema: JsonSchema, at: readonly string[]): { depth: number; known: string[] } | undefined {
  let node: unknown = schema;
  for (let depth = 0; depth < at.length; depth++) {
    const s = node as { properties?: Record<string, unknown>; additionalProperties?: unknown; type?: unknown; items?: unknown } | null;
    if (s === null || typeof s !== 'object') return undefined;
    if (s.properties !== undefined && Object.prototype.hasOwnProperty.call(s.properties, at[depth])) {
      node = s.properties[at[depth]];
      continue;
    }
    if (s.properties === undefined || s.additionalProperties !== false) return undefined;
    return { depth, known: Object.keys(s.properties) };
  }
  return undefined;
}

/** The `default` a schema gives at a path, through `properties`. */
function schemaDefault(schema: JsonSchema, at: readonly string[]): unknown {
  let node: unknown = schema;
  for (const key of at) {
    const properties = (node as { properties?: Record<string, unknown> } | null)?.properties;
    if (properties === undefined || !Object.prototype.hasOwnProperty.call(properties, key)) return undefined;
    node = properties[key];
  }
  return (node as { default?: unknown } | null)?.default;
}

/** One line a value: `ingress.host: "x"  environments/pro.ts:15 (release helmbasic-production)`. */
export function formatExplained(values: readonly ExplainedValue[]): string {
  const width = Math.max(...values.map((v) => v.path.length + 2 + (v.value === undefined ? 0 : JSON.stringify(v.value).length)));
  return values
    .map((v) => {
      if (v.value === undefined) {
        const fallback = v.chartDefault !== undefined ? `the chart's default, ${JSON.stringify(v.chartDefault)}` : "the chart's default";
        return `${v.path}: (not set: ${fallback}${v.file ? `, ${v.file}` : ''})`;
      }
      const left = `${v.path}: ${JSON.stringify(v.value)}`;
      return `${left.padEnd(width)}  ${v.file ?? '(file unknown)'}${v.line !== undefined ? `:${v.line}` : ''} (${v.layer})`;
    })
    .join('\n');
}
