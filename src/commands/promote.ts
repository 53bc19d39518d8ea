/**
 * `helmflux promote` as a library function: GitOps promotion as a
 * reviewable edit of typed code. The image values of the automated
 * containers of one environment's releases, as the output folder holds them
 * (tags Flux committed included, under Flux v1 or v2: both write values at
 * `spec.values`), are written into the release of another environment that
 * uses the same chart (same git URL and path, or same Helm repository and
 * chart name), with the source's filter where the target has none, so the
 * target's own automation does not replace the promoted tag at once.
 *
 * Literals are edited in place and missing ones added, one edit at a time
 * on the text the previous edit left, so edits of one object never
 * interleave. The edited file is checked (`edit/commit.ts`) before it
 * replaces the old one; a source file that does not parse is refused.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isGitChart, type ChartSource, type HelmValues, type ReleaseDefinition } from '../definition/types';
import { checkEdit, type Intended } from '../edit/commit';
import { applyEdits, findLiteral, insertProperty, keyText, literalText, type DefinitionPath, type EditTarget } from '../edit/literals';
import { loadValidEnvironments, openProject } from '../engine/pipeline';
import { automationAnnotations, CHART_IMAGE, valuesContainers } from '../images/containers';
import { resolvePlace, DEFAULT_OUT_DIR, type ProjectOptions } from '../load/project';
import { outputPaths } from '../output/layout';
import { parseObjects } from '../output/read';
import { writeAtomically } from '../output/writer';
import { fieldPath, InputError, type Problem } from '../problems';

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
  const origin = environments.find((e) => e.name === options.from)!;
  const target = environments.find((e) => e.name === options.to)!;
  const out = resolvePlace(project.root, project.cwd, options.outDir, DEFAULT_OUT_DIR);
  const sourceShown = `${out.display}/${outputPaths(options.from).releases}`;
  let text: string;
  try {
    text = fs.readFileSync(path.join(out.dir, outputPaths(options.from).releases), 'utf8');
  } catch {
    return problem('--from', `has no ${sourceShown}`, 'Run synth first: promotion carries what the output folder holds.');
  }
  const parsed = parseObjects(text);
  if (!('objects' in parsed)) {
    throw new InputError([{ file: sourceShown, field: `line ${parsed.line}`, message: parsed.reason, fix: 'Resolve it (or run synth), then promote again: promotion carries only what it can read. Nothing was written.' }]);
  }
  const deployed = new Map(parsed.objects.filter((o) => o.kind === 'HelmRelease').map((o) => [String((o.metadata as Json | undefined)?.name), o]));
  // Automated releases, by the definition (Flux v2's files carry no v1 annotations); their values as deployed.
  const automated = (origin.definition.releases ?? []).filter((r) => fluxAnnotations(r)['fluxcd.io/automated'] === 'true' && (options.release === undefined || r.name === options.release));
  if (automated.length === 0) {
    problem(options.release ? '--release' : '--from', options.release ? `is not an automated release of ${options.from}` : 'has no automated release', 'Promote from an environment whose release has flux: { automated: true }.');
  }
  const full = path.join(project.root, target.file);
  const before = fs.readFileSync(full, 'utf8');
  let after = before;
  const problems: Problem[] = [];
  const promoted: Promotion[] = [];
  const intended: Intended[] = [];
  // One edit at a time, each found in the text the last one left.
  const apply = (make: (text: string) => EditTarget | undefined, field: string, fix: string) => {
    const edit = make(after);
    if (edit === undefined) return;
    if ('reason' in edit) problems.push({ file: target.file, field, message: `cannot be edited safely: ${edit.reason}`, fix });
    else after = applyEdits(after, [edit]);
  };
  for (const source of automated) {
    const object = deployed.get(source.name);
    if (object === undefined) {
      problems.push({ file: sourceShown, field: `HelmRelease ${source.name}`, message: 'is not in the output folder', fix: `Run synth, then promote again. Nothing was written.` });
      continue;
    }
    const chart = chartKey(source.chart);
    const candidates = (target.definition.releases ?? []).filter((r) => chartKey(r.chart) === chart);
    if (candidates.length !== 1) {
      if (candidates.length === 0 && options.release === undefined) continue;
      problems.push({
        file: target.file,
        field: 'releases',
        message: candidates.length === 0 ? `has no release of the chart of ${options.from}'s ${source.name} (${chart})` : `has ${candidates.length} releases of the chart of ${options.from}'s ${source.name}: ${candidates.map((c) => c.name).join(', ')}`,
        fix: candidates.length === 0 ? 'Add the release to the target environment first.' : 'Keep one release of that chart in the target, or promote to another environment.',
      });
      continue;
    }
    const into = candidates[0];
    const at: DefinitionPath = ['releases', { release: into.name }];
    const values = (object.spec as Json | undefined)?.values as Json | undefined;
    const filters = fluxAnnotations(source);
    for (const container of valuesContainers(values as HelmValues | undefined)) {
      const holder = container === CHART_IMAGE ? values! : (values![container] as Json);
      const image = holder.image;
      const under = container === CHART_IMAGE ? ['values', 'image'] : ['values', container, 'image'];
      const imagePath: DefinitionPath = [...at, ...under];
      const fix = `Set ${under.join('.')} of ${into.name} to ${JSON.stringify(image)} by hand.`;
      const targetImage = imageAt(into, container);
      const want = (key: string[], value: unknown) => intended.push({ release: into.name, path: [...under, ...key], value, field: fieldText(imagePath, ...key) });
      if (image !== null && typeof image === 'object') {
        const img = image as Json;
        if (targetImage !== null && typeof targetImage === 'object') {
          for (const key of ['repository', 'tag'] as const) {
            if (typeof img[key] !== 'string') continue;
            const value = String(img[key]);
            want([key], value);
            if ((targetImage as Json)[key] === value) continue;
            const has = (targetImage as Json)[key] !== undefined;
            apply((t) => (has ? findLiteral(t, full, [...imagePath, key], value) : insertProperty(t, full, imagePath, key, literalText(value))), fieldText(imagePath, key), fix);
          }
        } else if (targetImage === undefined) {
          const literal = `{ repository: ${literalText(String(img.repository))}, tag: ${literalText(String(img.tag))} }`;
          want(['repository'], String(img.repository));
          want(['tag'], String(img.tag));
          apply((t) => insertInto(t, full, imagePath, literal), fieldText(imagePath), fix);
        } else problems.push({ file: target.file, field: fieldText(imagePath), message: 'has another shape than the source image', fix });
      } else if (typeof image === 'string') {
        want([], image);
        if (targetImage !== image) apply((t) => (targetImage === undefined ? insertInto(t, full, imagePath, literalText(image)) : findLiteral(t, full, imagePath, image)), fieldText(imagePath), fix);
      } else continue;
      // The filter comes along where the target's automation has none for the container.
      const filter = filters[`filter.fluxcd.io/${container}`];
      let carried: string | undefined;
      if (filter !== undefined && into.flux?.automated && fluxAnnotations(into)[`filter.fluxcd.io/${container}`] === undefined) {
        const flux: DefinitionPath = [...at, 'flux'];
        const entry = `{ filter: ${literalText(filter)} }`;
        apply(
          (t) => (into.flux!.containers === undefined ? insertProperty(t, full, flux, 'containers', `{ ${keyText(container)}: ${entry} }`) : insertProperty(t, full, [...flux, 'containers'], container, entry)),
          fieldText(flux, 'containers'),
          `Add flux.containers[${JSON.stringify(container)}].filter = ${JSON.stringify(filter)} to ${into.name} by hand.`,
        );
        intended.push({ release: into.name, path: ['flux', 'containers', container, 'filter'], value: filter, field: fieldText(flux, 'containers', container, 'filter') });
        carried = filter;
      }
      promoted.push({ release: source.name, target: into.name, container, image: typeof image === 'string' ? image : `${String((image as Json).repository)}:${String((image as Json).tag)}`, ...(carried ? { filter: carried } : {}) });
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  if (promoted.length === 0) problem('--to', `has no release of the chart of ${options.from}'s automated releases`, 'Add the release to the target environment first.');
  if (after !== before) {
    checkEdit(project, target.file, full, after, intended);
    if (!options.dryRun) writeAtomically(full, after);
  }
  return { file: target.file, promoted, before, after };
}

/** Inserts a value at `path`, creating the parents that are missing (values, values.<container>). */
function insertInto(source: string, file: string, at: DefinitionPath, valueText: string): EditTarget | undefined {
  for (let n = at.length - 1; n >= 2; n--) {
    const parent = at.slice(0, n);
    const key = at[n] as string;
    const nested = (at.slice(n + 1) as string[]).reduceRight((inner, k) => `{ ${keyText(k)}: ${inner} }`, valueText);
    const edit = insertProperty(source, file, parent, key, nested);
    if (edit === undefined || !('reason' in edit) || !/is not written in the file/.test(edit.reason)) return edit;
  }
  return { reason: 'the release is not written as an object literal' };
}

/** A release's Flux v1 automation annotations: its raw annotations and those its `flux` settings write. */
function fluxAnnotations(release: ReleaseDefinition): Record<string, string> {
  return { ...release.annotations, ...automationAnnotations(release.flux) };
}

function chartKey(chart: ChartSource): string {
  return isGitChart(chart) ? `git ${chart.git} ${chart.path}` : `helm ${chart.repository} ${chart.name}`;
}

function imageAt(release: ReleaseDefinition, container: string): unknown {
  const values = release.values as Json | undefined;
  if (values === undefined) return undefined;
  if (container === CHART_IMAGE) return values.image;
  const holder = values[container];
  return holder !== null && typeof holder === 'object' ? (holder as Json).image : undefined;
}

function fieldText(at: DefinitionPath, ...more: string[]): string {
  return [...at, ...more].reduce<string>((text, step) => (typeof step === 'string' ? fieldPath(text, step) : `${text}[${JSON.stringify(step.release)}]`), '');
}
