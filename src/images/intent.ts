/**
 * Whose tag is it: the definition's, or one Flux's image automation
 * committed into the output folder? Both Flux targets decide it the same way.
 *
 * Every automated release helmflux writes records, in the annotation
 * `helmflux.dev/defined-tags`, the tag each of its containers had in the
 * definition at that synth (`image.tag=v0.0.1`: tag path under `values`,
 * then the tag). Flux
 * leaves annotations alone (v1 rewrites only the tag through ruamel.yaml; v2
 * sets only the values its markers point at), so at the next synth:
 *
 * - the output folder holds the definition's tag: nothing to decide;
 * - the definition's tag changed since the record (a bump, a rollback, a
 *   promotion): the definition wins, and Flux will move on from it to the
 *   newest tag its filter admits unless the release is locked;
 * - the definition's tag did not change, so another tag in the file is
 *   Flux's commit: it is kept when the filter admits it (same image, same
 *   place), and otherwise refused and replaced by the definition's;
 * - a file without a record (written by helmflux before it recorded tags) is
 *   read as if the definition had not changed, so an upgrade never reverts
 *   a tag Flux committed.
 *
 * The record is in the file itself, so this holds from a fresh clone, with
 * `--no-cache` and after any merge, and costs no git history.
 */
import type { HelmValues } from '../definition/types';
import type { RenderedFile } from '../output/layout';
import { parseObjects, type Unreadable } from '../output/read';
import { compareCodePoints } from '../order';
import { imageTags, isAutomated } from './containers';
import { parseFilter } from './filters';

/** The annotation recording the definition's tags at the last synth. */
export const DEFINED_TAGS_ANNOTATION = 'helmflux.dev/defined-tags';

/**
 * The record of an automated release: `<tag path under values>=<tag>` for
 * each container, joined by `,` in path order (`image.tag=v0.0.1`), readable
 * in a review and plain in YAML (`%`, `,` and `=` inside a path or tag are
 * written `%25`, `%2C`, `%3D`); undefined when nothing is automated.
 */
export function definedTagsRecord(values: HelmValues | undefined, annotations: Readonly<Record<string, unknown>>): string | undefined {
  if (!isAutomated(annotations)) return undefined;
  const entries = imageTags(values, annotations)
    .filter((t) => typeof t.tag === 'string')
    .map((t) => `${escape(t.path.join('.'))}=${escape(t.tag as string)}`)
    .sort(compareCodePoints);
  return entries.length === 0 ? undefined : entries.join(',');
}

/** The tags a file's object recorded (tag path under values -> tag); undefined when it has none. */
export function recordedTags(annotations: Readonly<Record<string, unknown>>): ReadonlyMap<string, string> | undefined {
  const text = annotations[DEFINED_TAGS_ANNOTATION];
  if (typeof text !== 'string') return undefined;
  const out = new Map<string, string>();
  for (const entry of text.split(',')) {
    const at = entry.indexOf('=');
    if (at > 0) out.set(unescape(entry.slice(0, at)), unescape(entry.slice(at + 1)));
  }
  return out;
}

const escape = (s: string) => s.replace(/[%,=]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const unescape = (s: string) => s.replace(/%(25|2C|3D)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** What synth does with a tag the output folder holds that is not the definition's. */
export type TagDecision = 'kept' | 'edited' | 'refused';

/**
 * Decides one container's tag. `committed`: the tag in the output folder;
 * `defined`: the definition's now; `recorded`: the definition's at the last
 * synth (undefined: no record); `sameImage`: same repository, same place;
 * `admits`: whether the filter (or policy) admits a tag.
 */
export function decideTag(committed: string, defined: unknown, recorded: string | undefined, sameImage: boolean, admits: (tag: string) => boolean): TagDecision {
  if (recorded !== undefined && recorded !== defined) return 'edited';
  if (!sameImage) return 'edited';
  return admits(committed) ? 'kept' : 'refused';
}

/** Where a tag is: a container of a release in a file. */
export interface TagPlace {
  /** The file, relative to the output folder. */
  readonly file: string;
  /** The environment file the release is defined in. */
  readonly source: string;
  readonly namespace: string;
  readonly name: string;
  readonly container: string;
  /** Where the tag is, under the HelmRelease (`['spec', 'values', 'image', 'tag']`). */
  readonly path: readonly string[];
}

/** One tag kept from the output folder. */
export interface KeptValue extends TagPlace {
  /** The tag Flux committed, kept. */
  readonly kept: string;
  /** The whole value kept at `path`: the tag, or `repo:tag` for an image written as one string. */
  readonly value: string;
  /** The tag the definition says. */
  readonly defined: unknown;
}

/** A tag the output folder held that synth replaces with the definition's, and what Flux does next. */
export interface TagChange extends TagPlace {
  /** `edited`: the definition changed the tag since the last synth; `refused`: the filter refuses the tag the folder held. */
  readonly why: 'edited' | 'refused';
  /** The tag the output folder held. */
  readonly previous: string;
  /** The definition's tag, written. */
  readonly written: unknown;
  /** The container's filter (Flux v1 form; `glob:*` when none is set). */
  readonly filter: string;
  /** Which tag Flux's automation then moves to, in words. */
  readonly next: string;
}

/** Which tag Flux's image automation moves a container to, in words. */
export function nextTag(filter: string, flux: 'v1' | 'v2'): string {
  const { kind } = parseFilter(filter);
  if (kind === 'semver') return `the highest version ${filter} admits`;
  if (flux === 'v2') return `the last tag ${filter} admits in alphabetical order (the ImagePolicy's ordering)`;
  return `the newest tag ${filter} admits (by image build time)`;
}

/** What synth and diff say about a replaced tag. */
export function tagChangeLine(c: TagChange): string {
  const where = `${c.namespace}/${c.name} (${c.container})`;
  if (c.why === 'refused') {
    return `${JSON.stringify(c.previous)} in ${where} is refused by ${c.filter}; wrote the definition's ${JSON.stringify(c.written)}`;
  }
  return (
    `${c.source || 'the environment file'} changes the tag of ${where} to ${JSON.stringify(c.written)} (was ${JSON.stringify(c.previous)}): written. ` +
    `The release is automated: Flux will move it on to ${c.next}, so a rollback holds only with flux.locked: true`
  );
}

/** What keeping made of the rendered files (each target's `keep`). */
export interface KeepResult {
  /** The rendered files, with the tags Flux committed kept. */
  readonly files: RenderedFile[];
  readonly kept: KeptValue[];
  /** Tags the output folder held that the definition's replace. */
  readonly changed: TagChange[];
  /** Committed files of automated releases that do not parse: what Flux committed there cannot be read. */
  readonly unreadable: (Unreadable & { readonly file: string })[];
}

/**
 * The walk both targets' keeping shares: each rendered release file whose
 * committed version differs is handed to `keepInFile` with the committed
 * objects; the others pass as they are, and a committed file that does not
 * parse is reported (its kept tags cannot be read) and passes as rendered.
 */
export function keepEach(
  files: readonly RenderedFile[],
  committed: ReadonlyMap<string, string>,
  applies: (file: RenderedFile) => boolean,
  keepInFile: (file: RenderedFile, oldObjects: readonly Record<string, unknown>[], result: Pick<KeepResult, 'kept' | 'changed'>) => RenderedFile,
): KeepResult {
  const result: KeepResult = { files: [], kept: [], changed: [], unreadable: [] };
  for (const file of files) {
    const before = committed.get(file.path);
    if (before === undefined || before === file.text || !file.path.startsWith('releases/') || !applies(file)) {
      result.files.push(file);
      continue;
    }
    const old = parseObjects(before);
    if (!('objects' in old)) result.unreadable.push({ file: file.path, ...old });
    result.files.push('objects' in old ? keepInFile(file, old.objects, result) : file);
  }
  return result;
}
