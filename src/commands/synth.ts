/**
 * `helmflux synth`, `check` and `validate` as library functions: the CLI only
 * parses flags and calls these.
 */
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { SynthCache } from '../engine/cache';
import { cacheEntries, openProject, selectEnvironments, synthesize, type Project, type Synthesis } from '../engine/pipeline';
import { InputError, type Problem } from '../problems';
import { checkOutputPlace, resolvePlace, DEFAULT_OUT_DIR, type ProjectOptions } from '../load/project';
import { environmentOfPath, isGeneratedPath, isProjectPath, LEGACY_RECORD_FILE, PROJECT_FILES } from '../output/layout';
import { applyPlan, manifestFiles, planWrite } from '../output/writer';
import type { Review } from '../review/diff';
import type { UnreadableFile } from '../review/manifests';
import type { KeepResult, KeptValue, TagChange } from '../images/intent';
import { targetOf, type Target } from '../targets/target';
import type { RenderedFile } from '../output/layout';

export interface SynthOptions extends ProjectOptions {
  /**
   * The output folder, relative to `cwd`.
   * @default - `dist/` of the project root
   */
  readonly outDir?: string;
  /**
   * Write (and remove) only these environments' files. All environments are still loaded and validated.
   * @default - every environment
   */
  readonly environments?: readonly string[];
  /**
   * Reuse what each unchanged environment rendered to last time (see `cache.ts`).
   * @default true
   */
  readonly cache?: boolean;
  /**
   * How many threads may load and render environments (only used when there are hundreds).
   * @default - the number of CPUs, at most 4
   */
  readonly threads?: number;
  /**
   * Receives one line per file written or removed.
   * @default - lines are dropped
   */
  readonly log?: (line: string) => void;
  /**
   * Receives a line per phase of long work (hundreds of environments, thousands of files).
   * @default - lines are dropped
   */
  readonly progress?: (line: string) => void;
}

export interface SynthReport {
  readonly environments: number;
  readonly files: number;
  readonly written: number;
  readonly removed: number;
  readonly unchanged: number;
  /** YAML or JSON files in the output folder that helmflux did not generate (Flux applies them too), relative to it. */
  readonly strays: readonly string[];
  /** The output folder as shown to the user. */
  readonly outDir: string;
  /**
   * The folders whose files the result was made from (absolute): the
   * environments folder, the project root (settings file) and the folder of
   * every module an environment or the settings imported. `--watch` watches them.
   */
  readonly inputFolders: readonly string[];
  /** Tags Flux's image automation committed into the output folder, kept instead of the definition's. */
  readonly kept: readonly KeptValue[];
  /** Tags the output folder held that the definition's replaced (the user's edit, or refused by the filter), with what Flux does next. */
  readonly changed: readonly TagChange[];
  /** What is valid but probably not meant (a filter on a release that is not automated). */
  readonly warnings: readonly string[];
}

/** Validates everything and plans the write; shared by `synth` (which carries the plan out) and `check`. */
function prepareWrite(options: SynthOptions) {
  const project = openProject(options);
  const resolved = resolvePlace(project.root, project.cwd, options.outDir, DEFAULT_OUT_DIR);
  // Messages name --out as the user gave it; the default as `dist`.
  const out = { dir: resolved.dir, display: options.outDir === undefined ? resolved.display : options.outDir.replace(/(.)\/+$/, '$1') };
  checkOutputPlace(project.root, out, '--out');
  const cache = options.cache === false ? undefined : SynthCache.open(project.root, project.environments.dir, project.environments.display, project.settings.key);
  const synthesis = synthesize(project, { cache, threads: options.threads ?? defaultThreads(), progress: options.progress });
  const scope = selectEnvironments(synthesis.environments, options.environments);
  // Project files (environment '') are of every environment: always written.
  let rendered = synthesis.files.filter((f) => scope === undefined || f.environment === '' || scope.has(f.environment));
  if (scope !== undefined && project.settings.settings.flux === 'v2') rendered = withKustomizationOnDisk(rendered, out.dir, scope);
  // Tags Flux's image automation committed into dist/ stay (targets/flux-v1/keep.ts, targets/flux-v2/keep.ts).
  const target = targetOf(project.settings.settings);
  const committed = readAutomatedFiles(out.dir, rendered, target.rewritable);
  const { files, kept, changed, unreadable } = target.keep(rendered, committed);
  const plan = planWrite({ outDir: out.dir, displayOutDir: out.display, files, scope });
  if (plan.problems.length > 0) throw new InputError(plan.problems);
  // A committed file of automated releases that cannot be read may hold tags Flux committed: synth must not write over it (check reports it as drift).
  const unreadableProblems = () => unreadable.map((u) => unreadableProblem(u, out.display, target, rendered.find((f) => f.path === u.file)!));
  return { project, out, cache, synthesis, scope, files, plan, kept, changed, unreadableProblems, warnings: [...synthesis.warnings, ...reachWarnings(project, out.dir, files)] };
}

/**
 * Flux v2's ImageUpdateAutomation updates markers under `./<gitops.path>`
 * only: a folder written elsewhere (`--out`) holds markers it never reaches.
 */
function reachWarnings(project: Project, outDir: string, files: readonly RenderedFile[]): string[] {
  const { settings } = project.settings;
  if (settings.flux !== 'v2' || settings.gitops === undefined || !files.some((f) => f.path === PROJECT_FILES.imageAutomation)) return [];
  const written = path.relative(project.root, outDir).split(path.sep).join('/');
  if (written === settings.gitops.path) return [];
  return [
    `helmflux.settings.ts: gitops.path is "${settings.gitops.path}", so the ImageUpdateAutomation updates tags under ./${settings.gitops.path} only, but this writes ${written.startsWith('..') || path.isAbsolute(written) ? outDir : written}: its image policy markers are out of the automation's reach (set gitops.path to the folder Flux syncs, or write there)`,
  ];
}

/**
 * Why synth will not rewrite a committed file of automated releases that does
 * not parse, and what to resolve: for a merge left unresolved, the tag synth
 * would write from each side, for each container, and the one to keep. Both
 * sides changed the tag line, so when one of them is the definition's, its
 * branch changed the definition (a bump, rollback or promotion) while Flux
 * committed on the other: the definition's wins, as it does in synth.
 */
function unreadableProblem(u: KeepResult['unreadable'][number], outDir: string, target: Target, rendered: RenderedFile): Problem {
  const file = `${outDir}/${u.file}`;
  const restore = `Resolve it by hand, or restore the file (\`git checkout HEAD -- ${file}\`), then run synth again; synth will not rewrite it, since that could drop a tag Flux committed and roll the cluster back.`;
  if (u.sides === undefined) return { file, field: `line ${u.line}`, message: u.reason, fix: restore };
  // The tags a side would keep (the definition's tag for every other container).
  const kept = (text: string) => {
    const result = target.keep([rendered], new Map([[u.file, text]]));
    return new Map(result.kept.map((k) => [`${k.namespace}/${k.name} (${k.container})`, { tag: k.kept, defined: String(k.defined) }]));
  };
  const ours = kept(u.sides.ours);
  const theirs = kept(u.sides.theirs);
  const advice: string[] = [];
  for (const where of [...new Set([...ours.keys(), ...theirs.keys()])].sort()) {
    const defined = (ours.get(where) ?? theirs.get(where))!.defined;
    const [a, b] = [ours.get(where)?.tag ?? defined, theirs.get(where)?.tag ?? defined];
    const keep = a === b || a === defined ? a : b === defined ? b : undefined;
    advice.push(
      keep === undefined
        ? `${where}: one side holds ${JSON.stringify(a)}, the other ${JSON.stringify(b)}, both Flux's commits; keep the one you mean to run`
        : `${where}: keep tag ${JSON.stringify(keep)}${keep === defined ? " (the definition's; the other side's was Flux's commit against an older definition)" : " (Flux's commit)"}`,
    );
  }
  const which = advice.length > 0 ? ` For the image tags: ${advice.join('; ')}.` : '';
  return { file, field: `line ${u.line}`, message: u.reason, fix: `Resolve the conflict and run synth again; synth will not rewrite the file while it cannot read what Flux committed there.${which}` };
}

/** Validates everything, then writes what changed. Throws an InputError (writing nothing) on bad input. */
export function synth(options: SynthOptions = {}): SynthReport {
  const { project, out, cache, synthesis, scope, files, plan, kept, changed, unreadableProblems, warnings } = prepareWrite(options);
  const refused = unreadableProblems();
  if (refused.length > 0) throw new InputError(refused);
  if (plan.writes.length + plan.removals.length >= 1000) options.progress?.(`writing ${plan.writes.length} and removing ${plan.removals.length} files in ${out.display}/`);
  applyPlan(plan, options.log ?? (() => {}));
  cache?.save(cacheEntries(synthesis));
  return {
    environments: scope?.size ?? synthesis.environments.length,
    files: files.length,
    written: plan.writes.length,
    removed: plan.removals.length + (plan.legacyRecord ? 1 : 0),
    unchanged: plan.unchanged,
    strays: plan.strays,
    kept,
    changed,
    warnings,
    outDir: out.display,
    inputFolders: inputFolders(project, synthesis),
  };
}

function inputFolders(project: Project, synthesis: Synthesis): string[] {
  const files = [...project.settings.files];
  for (const env of synthesis.environments) files.push(...Object.keys(env.reused?.deps ?? env.source?.deps ?? {}));
  const folders = new Set([project.environments.dir, project.root, ...files.map((f) => path.dirname(f))]);
  return [...folders].sort();
}

export interface CheckReport {
  /** Files synth would write (new or changed objects), relative to the output folder. */
  readonly stale: readonly string[];
  /** Files synth would rewrite whose objects are already right (only their layout differs, e.g. after Flux's rewrite): not drift. */
  readonly reformatted: readonly string[];
  /** Tags Flux's image automation committed, which synth keeps: not drift. */
  readonly kept: readonly KeptValue[];
  /** Tags the output folder holds that synth replaces with the definition's (drift: their files are stale). */
  readonly changed: readonly TagChange[];
  /** What is valid but probably not meant, as synth says it. */
  readonly warnings: readonly string[];
  /** Files in the output folder that do not parse (git conflict markers, broken YAML), with the line: drift, and synth refuses to rewrite one of automated releases. */
  readonly unreadable: readonly UnreadableFile[];
  /** Files synth would remove (stale generated files, the legacy record). */
  readonly removed: readonly string[];
  /** YAML or JSON files helmflux did not generate, which Flux would apply too. */
  readonly strays: readonly string[];
  /** The output folder as shown to the user. */
  readonly outDir: string;
  /** Whether the output folder is exactly what synth writes: nothing stale, nothing to remove, no strays. */
  readonly upToDate: boolean;
  /** What differs in those files, object by object and field by field (the engine of `diff`). */
  readonly review: Review;
}

/**
 * Everything synth checks, then what synth would change in the output folder,
 * writing nothing: a CI step's drift check. Throws an InputError on bad input.
 */
export function check(options: SynthOptions = {}): CheckReport {
  const { project, out, plan, kept, changed, warnings } = prepareWrite(options);
  const written = plan.writes.map((f) => f.path);
  const removed = [...plan.removals, ...(plan.legacyRecord ? [LEGACY_RECORD_FILE] : [])];
  // The objects and fields behind each file: the files on disk against what synth writes.
  const onDisk = new Map<string, string>();
  for (const file of [...written, ...plan.removals]) {
    const text = readIfFile(path.join(out.dir, file));
    if (text !== undefined) onDisk.set(file, text);
  }
  const rendered = new Map(plan.writes.map((f) => [f.path, f.text]));
  // Loaded here: a plain synth never needs the review engine.
  const { review } = require('../review/diff') as typeof import('../review/diff');
  const changes = review(onDisk, rendered, targetOf(project.settings.settings).effects);
  // A file whose objects are what synth writes, in another layout (Flux's rewrite): formatting, not drift.
  const reformatted = changes.reformatted.filter((f) => onDisk.has(f));
  const stale = written.filter((f) => !reformatted.includes(f));
  // A file on disk that does not parse (a merge left conflict markers): Flux cannot apply it.
  const unreadable = changes.unreadable.filter((u) => onDisk.has(u.file) && onDisk.get(u.file) !== rendered.get(u.file));
  return {
    stale,
    reformatted,
    removed,
    strays: plan.strays,
    unreadable,
    outDir: out.display,
    upToDate: stale.length + removed.length + plan.strays.length === 0,
    review: changes,
    kept,
    changed,
    warnings,
  };
}

export interface ValidateReport {
  readonly environments: number;
  readonly objects: number;
}

/** Everything synth checks, writing nothing (and not using the cache). Throws an InputError on bad input. */
export function validate(options: ProjectOptions & { readonly threads?: number; readonly progress?: (line: string) => void } = {}): ValidateReport {
  const synthesis = synthesize(openProject(options), { threads: options.threads ?? defaultThreads(), progress: options.progress });
  // Flux v2's project files hold objects too (kustomization.yaml is none).
  const shared = synthesis.files.filter((f) => f.environment === '' && f.path.startsWith('flux/')).reduce((n, f) => n + (f.text.match(/^---$/gm)?.length ?? 0), 0);
  return { environments: synthesis.environments.length, objects: synthesis.environments.reduce((n, e) => n + e.objects, shared) };
}

/**
 * Under `--env`, `kustomization.yaml` lists what the folder holds after the
 * run: the files written now, and the generated files of the other
 * environments as they are on disk (not the ones a full synth would write).
 */
function withKustomizationOnDisk(rendered: readonly RenderedFile[], outDir: string, scope: ReadonlySet<string>): RenderedFile[] {
  const { kustomizationFile } = require('../targets/flux-v2/project') as typeof import('../targets/flux-v2/project');
  const others = manifestFiles(outDir).filter((p) => isGeneratedPath(p) && !isProjectPath(p) && !scope.has(environmentOfPath(p)));
  return rendered.map((f) => (f.path === PROJECT_FILES.kustomization ? kustomizationFile([...rendered.map((r) => r.path), ...others]) : f));
}

/** The files in the output folder of rendered releases files that Flux's image automation may rewrite (the only ones it rewrites). */
function readAutomatedFiles(outDir: string, files: readonly RenderedFile[], rewritable: (path: string, text: string) => boolean): Map<string, string> {
  const committed = new Map<string, string>();
  for (const file of files) {
    if (!rewritable(file.path, file.text)) continue;
    const text = readIfFile(path.join(outDir, file.path));
    if (text !== undefined) committed.set(file.path, text);
  }
  return committed;
}

function readIfFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function defaultThreads(): number {
  return Math.min(availableParallelism(), 4);
}
