/**
 * `helmflux promote` as a library function: GitOps promotion as a
 * reviewable edit of typed code. The image values of the automated
 * containers of one environment's release, as dist/ holds them (tags Flux
 * committed included), are written into the release of another environment
 * that uses the same chart (same git URL and path, or same Helm repository
 * and chart name), with the source's filter where the target has none, so
 * the target's own automation does not replace the promoted tag at once.
 * Literals are edited in place and missing ones added, as `adopt` does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isGitChart, type ChartSource, type HelmValues, type ReleaseDefinition } from '../definition/types';
import { applyEdits, findLiteral, insertProperty, literalText, type DefinitionPath, type EditTarget } from '../edit/literals';
import { loadValidEnvironments, openProject } from '../engine/pipeline';
import { resolvePlace, DEFAULT_OUT_DIR, type ProjectOptions } from '../load/project';
import { outputPaths } from '../output/layout';
import { writeAtomically } from '../output/writer';
import { InputError, type Problem } from '../problems';
import { CHART_IMAGE, valuesContainers } from '../targets/flux-v1/automation';

export interface PromoteOptions extends ProjectOptions {
  readonly from: string;
  readonly to: string;
  /** The source release (its HelmRelease name). @default - every automated release of `from` */
  readonly release?: string;
  /** Say what would change, writing nothing. */
  readonly dryRun?: boolean;
  readonly outDir?: string;
}

export interface Promotion {
  readonly release: string;
  readonly target: string;
  readonly container: string;
  readonly image: string;
  readonly filter?: string;
}

export interface PromoteReport {
  /** The target environment file, as the project shows it. */
  readonly file: string;
  readonly promoted: readonly Promotion[];
  /** The target file's text before and after. */
  readonly before: string;
  readonly after: string;
}

type Json = Record<string, unknown>;

export function promote(options: PromoteOptions): PromoteReport {
  const problem = (field: string, message: string, fix: string): never => {
    throw new InputError([{ file: field.startsWith('--') ? field : '--from', field: field.startsWith('--') ? JSON.stringify((options as unknown as Record<string, string>)[field.slice(2)]) : field, message, fix }]);
  };
  if (options.from === options.to) problem('--to', 'is the environment promoted from', 'Promote to another environment.');
  const project = openProject(options);
  const environments = loadValidEnvironments(project);
  const names = environments.map((e) => e.name);
  for (const flag of ['--from', '--to'] as const) {
    if (!names.includes(flag === '--from' ? options.from : options.to)) problem(flag, 'is not an environment', `Use the name of a file in the environments folder, without ".ts": ${names.join(', ')}.`);
  }
  const target = environments.find((e) => e.name === options.to)!;
  const out = resolvePlace(project.root, project.cwd, options.outDir, DEFAULT_OUT_DIR);
  const sourceFile = path.join(out.dir, outputPaths(options.from).releases);
  let text: string;
  try {
    text = fs.readFileSync(sourceFile, 'utf8');
  } catch {
    return problem('--from', `has no ${out.display}/${outputPaths(options.from).releases}`, 'Run synth first: promotion carries what dist/ holds.');
  }
  const objects = parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS() as Json).filter((o) => o?.kind === 'HelmRelease');
  const automated = objects.filter((o) => annotations(o)['fluxcd.io/automated'] === 'true' && (options.release === undefined || (o.metadata as Json).name === options.release));
  if (automated.length === 0) {
    problem(options.release ? '--release' : '--from', options.release ? `is not an automated release of ${options.from}` : 'has no automated release', 'Promote from an environment whose release has flux: { automated: true }.');
  }
  const full = path.join(project.root, target.file);
  const before = fs.readFileSync(full, 'utf8');
  const edits: Exclude<EditTarget, { reason: string }>[] = [];
  const problems: Problem[] = [];
  const promoted: Promotion[] = [];
  const apply = (edit: EditTarget | undefined, field: string, fix: string) => {
    if (edit === undefined) return;
    if ('reason' in edit) problems.push({ file: target.file, field, message: `cannot be edited safely: ${edit.reason}`, fix });
    else edits.push(edit);
  };
  for (const source of automated) {
    const name = String((source.metadata as Json).name);
    const chart = chartKey((source.spec as Json).chart as Json);
    const candidates = (target.definition.releases ?? []).filter((r) => chartKey(r.chart as unknown as Json) === chart);
    if (candidates.length !== 1) {
      if (candidates.length === 0 && options.release === undefined) continue;
      problems.push({
        file: target.file,
        field: 'releases',
        message: candidates.length === 0 ? `has no release of the chart of ${options.from}'s ${name} (${chart})` : `has ${candidates.length} releases of the chart of ${options.from}'s ${name}: ${candidates.map((c) => c.name).join(', ')}`,
        fix: candidates.length === 0 ? 'Add the release to the target environment first.' : 'Keep one release of that chart in the target, or promote to another environment.',
      });
      continue;
    }
    const into = candidates[0];
    const at: DefinitionPath = ['releases', { release: into.name }];
    const values = (source.spec as Json).values as Json | undefined;
    for (const container of valuesContainers(values as HelmValues | undefined)) {
      const holder = container === CHART_IMAGE ? values! : (values![container] as Json);
      const image = holder.image;
      const filter = annotations(source)[`filter.fluxcd.io/${container}`];
      const imagePath: DefinitionPath = container === CHART_IMAGE ? [...at, 'values', 'image'] : [...at, 'values', container, 'image'];
      const fix = `Set ${container === CHART_IMAGE ? 'values.image' : `values.${container}.image`} of ${into.name} to ${JSON.stringify(image)} by hand.`;
      const targetImage = imageAt(into, container);
      if (image !== null && typeof image === 'object') {
        const img = image as Json;
        if (targetImage !== null && typeof targetImage === 'object') {
          for (const key of ['repository', 'tag'] as const) {
            if (typeof img[key] !== 'string') continue;
            const existing = (targetImage as Json)[key];
            if (existing === img[key]) continue;
            apply(existing === undefined ? insertProperty(before, full, imagePath, key, literalText(String(img[key]))) : findLiteral(before, full, [...imagePath, key], String(img[key])), fieldText(imagePath, key), fix);
          }
        } else if (targetImage === undefined) {
          const literal = `{ repository: ${literalText(String(img.repository))}, tag: ${literalText(String(img.tag))} }`;
          apply(insertInto(before, full, imagePath, literal), fieldText(imagePath), fix);
        } else problems.push({ file: target.file, field: fieldText(imagePath), message: 'has another shape than the source image', fix });
      } else if (typeof image === 'string') {
        apply(targetImage === undefined ? insertInto(before, full, imagePath, literalText(image)) : targetImage === image ? undefined : findLiteral(before, full, imagePath, image), fieldText(imagePath), fix);
      } else continue;
      // The filter comes along where the target's automation has none for the container.
      let carried: string | undefined;
      if (typeof filter === 'string' && into.flux?.automated && into.flux.containers?.[container]?.filter === undefined && into.annotations?.[`filter.fluxcd.io/${container}`] === undefined) {
        const flux: DefinitionPath = [...at, 'flux'];
        const entry = `{ filter: ${literalText(filter)} }`;
        apply(
          into.flux.containers === undefined ? insertProperty(before, full, flux, 'containers', `{ ${/^[A-Za-z_$][\w$]*$/.test(container) ? container : literalText(container)}: ${entry} }`) : insertProperty(before, full, [...flux, 'containers'], container, entry),
          fieldText(flux, 'containers'),
          `Add flux.containers[${JSON.stringify(container)}].filter = ${JSON.stringify(filter)} to ${into.name} by hand.`,
        );
        carried = filter;
      }
      promoted.push({ release: name, target: into.name, container, image: typeof image === 'string' ? image : `${String((image as Json).repository)}:${String((image as Json).tag)}`, ...(carried ? { filter: carried } : {}) });
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  if (promoted.length === 0) problem('--to', `has no release of the chart of ${options.from}'s automated releases`, 'Add the release to the target environment first.');
  const after = applyEdits(before, edits);
  if (!options.dryRun && after !== before) writeAtomically(full, after);
  return { file: target.file, promoted, before, after };
}

/** Inserts a value at `path`, creating the parents that are missing (values, values.<container>). */
function insertInto(source: string, file: string, at: DefinitionPath, valueText: string): EditTarget | undefined {
  for (let n = at.length - 1; n >= 2; n--) {
    const parent = at.slice(0, n);
    const key = at[n] as string;
    const nested = (at.slice(n + 1) as string[]).reduceRight((inner, k) => `{ ${k}: ${inner} }`, valueText);
    const edit = insertProperty(source, file, parent, key, nested);
    if (edit === undefined || !('reason' in edit) || !/is not written in the file/.test(edit.reason)) return edit;
  }
  return { reason: 'the release is not written as an object literal' };
}

function chartKey(chart: Json | ChartSource): string {
  const c = chart as ChartSource;
  return isGitChart(c) ? `git ${c.git} ${c.path}` : `helm ${c.repository} ${c.name}`;
}

function annotations(o: Json): Record<string, unknown> {
  return ((o.metadata as Json | undefined)?.annotations ?? {}) as Record<string, unknown>;
}

function imageAt(release: ReleaseDefinition, container: string): unknown {
  const values = release.values as Json | undefined;
  if (values === undefined) return undefined;
  if (container === CHART_IMAGE) return values.image;
  const holder = values[container];
  return holder !== null && typeof holder === 'object' ? (holder as Json).image : undefined;
}

function fieldText(at: DefinitionPath, ...more: string[]): string {
  return [...at, ...more].map((s) => (typeof s === 'string' ? s : `[${JSON.stringify(s.release)}]`)).join('.').replace(/\.\[/g, '[');
}
