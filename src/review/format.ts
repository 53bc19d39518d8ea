/**
 * A review, written for people and programs: `text` for a terminal,
 * `markdown` for a pull request comment or a CI step summary, `json` for
 * tools, and a unified YAML diff per file (`--unified`). Every format masks
 * values under secret-looking keys (`secrets.ts`).
 */
import { compareCodePoints } from '../order';
import { fieldPath } from '../problems';
import { tagChangeLine, type KeptValue, type TagChange } from '../images/intent';

/** The image tags synth keeps from the output folder, and those it replaces with the definition's. */
export interface Tags {
  readonly kept: readonly KeptValue[];
  readonly changed: readonly TagChange[];
}

const NO_TAGS: Tags = { kept: [], changed: [] };
import type { Change, FieldChange, Review } from './diff';
import { hasNoEffect, renderedJson, renderedOf, renderedTextLines, renderProblemLines, renderProblemsJson, type RenderedSection } from '../render/review';

/** Where markdown is cut, with a note: below GitHub's 65,536-character comment limit, with room for the workflow's marker and pointer (`.github/workflows/manifests.yml`). */
export const MARKDOWN_LIMIT = 64_000;

const ARROW = '→';

/** A field's path as text: `spec.values.ingress.annotations["kubernetes.io/ingress.class"]`. */
export function pathText(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, key) => fieldPath(text, key), '');
}

/** A value as one line of text (JSON, so a string stays distinguishable from a number). */
function valueText(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** One field's change in one line: `spec.values.replicaCount: 3 → 4`. */
export function fieldLine(f: FieldChange): string {
  const at = pathText(f.path);
  if (f.masked) return `${at}: (${f.masked})`;
  if (!('before' in f)) return `${at}: (new) ${valueText(f.after)}`;
  if (!('after' in f)) return `${at}: ${valueText(f.before)} (removed)`;
  return `${at}: ${valueText(f.before)} ${ARROW} ${valueText(f.after)}`;
}

export function objectName(c: Change): string {
  return `${c.kind} ${c.namespace ? `${c.namespace}/` : ''}${c.name}`;
}

export interface Colors {
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
  readonly bold: (s: string) => string;
}

export function colors(enabled: boolean): Colors {
  const wrap = (code: string) => (s: string) => (enabled ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { red: wrap('31'), green: wrap('32'), yellow: wrap('33'), cyan: wrap('36'), bold: wrap('1') };
}

/** The summary line every format ends or starts with. */
export function summaryLine(r: Review): string {
  const destructive = r.changes.filter((c) => c.destructive).length;
  // Project files (Flux v2's sources, kustomization.yaml) and foreign files belong to no environment.
  const environments = new Set(r.changes.map((c) => c.environment).filter((e) => e !== '' && e !== '*')).size;
  if (r.changes.length === 0) return 'no changes';
  return `${r.changes.length} ${r.changes.length === 1 ? 'change' : 'changes'} (${destructive} destructive) in ${environments} ${environments === 1 ? 'environment' : 'environments'}`;
}

/** A kept tag in one line. */
export function keptLine(k: KeptValue, outDir: string): string {
  return `kept ${pathText(k.path)}: ${JSON.stringify(k.kept)} in ${outDir}/${k.file} (${k.namespace}/${k.name}, ${k.container}), written by Flux's image automation; the definition says ${JSON.stringify(k.defined)}`;
}

/** Aligned text for a terminal, destructive changes first. */
export function formatText(r: Review, outDir: string, against: string, color: boolean, tags: Tags = NO_TAGS, rendered?: RenderedSection): string {
  const c = colors(color);
  const lines: string[] = [`helmflux diff: what synth would write, against ${against}`, ''];
  for (const change of r.changes) {
    const label = change.change.toUpperCase().padEnd(7);
    const mark = change.destructive ? c.red(c.bold('DESTRUCTIVE ')) : '';
    const paint = change.change === 'added' ? c.green : change.change === 'removed' ? c.red : c.yellow;
    const where = change.previousFile ? `${outDir}/${change.previousFile} ${ARROW} ${outDir}/${change.file}` : `${outDir}/${change.file}`;
    lines.push(`${mark}${paint(label)} ${objectName(change)}${change.previousName ? ` (was ${change.previousName})` : ''}  (${where})`);
    lines.push(`        ${change.reason}`);
    for (const f of change.fields) lines.push(`        ${fieldLine(f)}`);
    if (rendered) for (const line of renderedTextLines(rendered, change, fieldLine)) lines.push(`        ${line}`);
  }
  for (const f of r.addedFiles) lines.push(`${c.green('new file')} ${outDir}/${f}`);
  for (const f of r.removedFiles) lines.push(`${c.red('removed file')} ${outDir}/${f}`);
  for (const f of r.reformatted) lines.push(`reformatted ${outDir}/${f} (no object changes: only layout, key order, quoting or comments differ)`);
  for (const u of r.unreadable) lines.push(`${c.yellow('unreadable')} ${outDir}/${u.file}:${u.line}: ${u.reason}`);
  for (const k of tags.kept) lines.push(keptLine(k, outDir));
  for (const t of tags.changed) lines.push(tagChangeLine(t));
  if (rendered?.unavailable && touchesReleases(r)) lines.push(`rendered objects not shown: ${rendered.unavailable}`);
  for (const line of rendered ? renderProblemLines(rendered) : []) lines.push(`${c.yellow('render problem')} ${line}`);
  if (lines.length > 2) lines.push('');
  lines.push(summaryLine(r));
  return lines.join('\n') + '\n';
}

/**
 * Text for a markdown table cell or line, inert: every character markdown,
 * GitHub's extensions or HTML give a meaning (`\ | < > & * _ [ ] # ~ $ :`
 * and the backtick: no emphasis, link, math `$$...$$`, `:emoji:` or
 * `https://` autolink) as an entity, `www.` broken (no autolink), line
 * breaks as spaces, `@` broken so no one is mentioned, and the characters
 * that reorder text (bidi controls such as U+202E) shown as `<U+202E>`.
 */
export function escapeCell(s: string): string {
  return s
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`)
    .replace(/[&<>|`\\*_[\]#~$:]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/www\./gi, (w) => `${w.slice(0, 3)}&#46;`)
    .replace(/@/g, '@\u200b');
}

/** A field path in a markdown cell: shortened like a value, so one long key cannot fill the comment. */
function pathCell(path: readonly (string | number)[]): string {
  const text = pathText(path);
  return `<code>${escapeCell(text.length > 200 ? `${text.slice(0, 197)}...` : text)}</code>`;
}

/** A value as inline code in markdown: escaped like a cell, and shortened like the text format's. */
function codeCell(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return `<code>${escapeCell(text.length > 120 ? `${text.slice(0, 117)}...` : text)}</code>`;
}

/** Whether a review changes a HelmRelease (what rendering would show more of). */
function touchesReleases(r: Review): boolean {
  return r.changes.some((c) => c.kind === 'HelmRelease');
}

/** The rendered objects a HelmRelease change changes, as markdown (nothing for another kind). */
function renderedMarkdown(section: RenderedSection, ch: Change): string[] {
  const changes = renderedOf(section, ch);
  if (changes === undefined) return [];
  const from = section.from?.get(`${ch.environment}|${ch.namespace}/${ch.name}`);
  const fromText = from === undefined ? '' : ` from <code>${escapeCell(from)}</code>`;
  if (hasNoEffect(section, ch)) return [`_Rendered${fromText}: no effect on the rendered objects (the chart does not read what changed)._`, ''];
  const out: string[] = [];
  const routine = changes.filter((c) => c.routine);
  const shown = changes.filter((c) => !c.routine);
  if (shown.length > 0) {
    out.push(`Rendered with Helm${fromText}:`, '');
    for (const c of shown) {
      out.push(`- **${c.change}** <code>${escapeCell(`${c.kind} ${c.namespace === '' ? '' : `${c.namespace}/`}${c.name}`)}</code> (${escapeCell(c.template || 'the chart')})${c.note ? `: ${escapeCell(c.note)}` : ''}`);
      for (const f of c.fields) {
        const [before, after] = f.masked ? [f.masked === 'set' ? '' : '(hidden)', f.masked === 'removed' ? '' : `(${f.masked})`] : ['before' in f ? codeCell(f.before) : '(none)', 'after' in f ? codeCell(f.after) : '(removed)'];
        out.push(`  - ${pathCell(f.path)}: ${before} → ${after}`);
      }
    }
    out.push('');
  }
  if (routine.length > 0) out.push(`_Rendered: ${routine.length} ${routine.length === 1 ? 'object changes' : 'objects change'} only in the chart's version label or checksum annotations._`, '');
  return out;
}

/** Markdown for a pull request: a summary table by environment, destructive changes, then one section per environment. */
export function formatMarkdown(r: Review, outDir: string, against: string, limit = MARKDOWN_LIMIT, tags: Tags = NO_TAGS, rendered?: RenderedSection): string {
  const out: string[] = [`### helmflux diff: ${escapeCell(summaryLine(r))}`, '', `What \`helmflux synth\` writes, against ${escapeCell(against)}.`, ''];
  if (r.changes.length > 0) {
    const byEnv = new Map<string, Change[]>();
    for (const ch of r.changes) byEnv.set(ch.environment, [...(byEnv.get(ch.environment) ?? []), ch]);
    const envs = [...byEnv.keys()].sort(compareCodePoints);
    const label = (e: string) => (e === '' ? '(not generated)' : e === '*' ? '(every environment)' : e);
    out.push('| environment | added | changed | moved | removed | destructive |', '| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const e of envs) {
      const list = byEnv.get(e)!;
      // A migrated object counts as changed.
      const n = (k: string) => list.filter((x) => x.change === k || (k === 'changed' && (x.change === 'migrated' || x.change === 'renamed'))).length;
      const d = list.filter((x) => x.destructive).length;
      out.push(`| ${escapeCell(label(e))} | ${n('added')} | ${n('changed')} | ${n('moved')} | ${n('removed')} | ${d > 0 ? `**${d}** ⚠️` : '0'} |`);
    }
    out.push('');
    const destructive = r.changes.filter((x) => x.destructive);
    if (destructive.length > 0) {
      out.push('#### ⚠️ Destructive', '');
      for (const ch of destructive) out.push(`- **${ch.change}** <code>${escapeCell(objectName(ch))}</code> (${escapeCell(label(ch.environment))}): ${escapeCell(ch.reason)}`);
      out.push('');
    }
    for (const e of envs) {
      out.push(`<details><summary><b>${escapeCell(label(e))}</b>: ${byEnv.get(e)!.length} ${byEnv.get(e)!.length === 1 ? 'change' : 'changes'}</summary>`, '');
      for (const ch of byEnv.get(e)!) {
        out.push(`**${ch.destructive ? '⚠️ destructive ' : ''}${ch.change}** <code>${escapeCell(objectName(ch))}</code>${ch.previousName ? ` (was <code>${escapeCell(ch.previousName)}</code>)` : ''} in <code>${escapeCell(`${outDir}/${ch.file}`)}</code>${ch.previousFile ? ` (was <code>${escapeCell(`${outDir}/${ch.previousFile}`)}</code>)` : ''}: ${escapeCell(ch.reason)}`, '');
        if (ch.fields.length > 0) {
          out.push('| field | before | after |', '| --- | --- | --- |');
          for (const f of ch.fields) {
            const [before, after] = f.masked
              ? [f.masked === 'set' ? '' : '(hidden)', f.masked === 'removed' ? '' : `(${f.masked})`]
              : ['before' in f ? codeCell(f.before) : '(none)', 'after' in f ? codeCell(f.after) : '(removed)'];
            out.push(`| ${pathCell(f.path)} | ${before} | ${after} |`);
          }
          out.push('');
        }
        if (rendered) out.push(...renderedMarkdown(rendered, ch));
      }
      out.push('</details>', '');
    }
  }
  const files = [
    ...r.addedFiles.map((f) => `- new file <code>${escapeCell(`${outDir}/${f}`)}</code>`),
    ...r.removedFiles.map((f) => `- removed file <code>${escapeCell(`${outDir}/${f}`)}</code>`),
    ...r.unreadable.map((u) => `- unreadable <code>${escapeCell(`${outDir}/${u.file}:${u.line}`)}</code>: ${escapeCell(u.reason)}`),
  ];
  if (files.length > 0) out.push('#### Files', '', ...files, '');
  if (tags.changed.length > 0) out.push('#### Image tags', '', ...tags.changed.map((t) => `- ${escapeCell(tagChangeLine(t))}`), '');
  if (tags.kept.length > 0) out.push("#### Kept from Flux's image automation", '', ...tags.kept.map((k) => `- ${escapeCell(keptLine(k, outDir))}`), '');
  if (rendered?.unavailable && touchesReleases(r)) out.push('#### Rendered objects', '', `Not shown: ${escapeCell(rendered.unavailable)}`, '');
  const problems = rendered ? renderProblemLines(rendered) : [];
  if (problems.length > 0) out.push('#### ⚠️ What the cluster would refuse (rendered with Helm)', '', ...problems.map((p) => `- ${escapeCell(p)}`), '');
  let text = out.join('\n');
  if (text.length > limit) {
    const note = "\n\n_Cut here to stay under GitHub's 65,536-character comment limit: run `helmflux diff` (in CI: the helmflux-diff artifact) for the rest._\n";
    text = text.slice(0, limit - note.length - 20);
    // Never leave an open <details>: close it after the last whole line.
    text = text.slice(0, text.lastIndexOf('\n'));
    if (text.lastIndexOf('<details>') > text.lastIndexOf('</details>')) text += '\n\n</details>';
    text += note;
  }
  return text.endsWith('\n') ? text : text + '\n';
}

/** One change as JSON (`diff --format json`, `check --json`). */
export function changeJson(ch: Change, outDir: string, rendered?: RenderedSection): object {
  return {
    environment: ch.environment,
    file: `${outDir}/${ch.file}`,
    ...(ch.previousFile ? { previousFile: `${outDir}/${ch.previousFile}` } : {}),
    ...(ch.previousName ? { previousName: ch.previousName } : {}),
    apiVersion: ch.apiVersion,
    kind: ch.kind,
    namespace: ch.namespace,
    name: ch.name,
    change: ch.change,
    destructive: ch.destructive,
    reason: ch.reason,
    fields: ch.fields.map((f) => ({ path: f.path, ...(f.masked ? { masked: f.masked } : { ...('before' in f ? { before: f.before } : {}), ...('after' in f ? { after: f.after } : {}) }) })),
    ...(rendered && !rendered.unavailable && ch.kind === 'HelmRelease' ? { rendered: (renderedOf(rendered, ch) ?? []).map(renderedJson), ...(hasNoEffect(rendered, ch) ? { renderedEffect: 'none' } : {}), ...(rendered.from?.has(`${ch.environment}|${ch.namespace}/${ch.name}`) ? { renderedFrom: rendered.from.get(`${ch.environment}|${ch.namespace}/${ch.name}`) } : {}) } : {}),
  };
}

/** JSON for tools: the documented shape (README, "Reviewing a pull request"). */
export function formatJson(r: Review, outDir: string, against: string, tags: Tags = NO_TAGS, rendered?: RenderedSection): string {
  return (
    JSON.stringify(
      {
        against,
        outDir,
        summary: summaryLine(r),
        changes: r.changes.map((ch) => changeJson(ch, outDir, rendered)),
        addedFiles: r.addedFiles.map((f) => `${outDir}/${f}`),
        removedFiles: r.removedFiles.map((f) => `${outDir}/${f}`),
        unreadable: r.unreadable.map((u) => ({ file: `${outDir}/${u.file}`, line: u.line, reason: u.reason })),
        kept: tags.kept.map((k) => ({ file: `${outDir}/${k.file}`, namespace: k.namespace, name: k.name, container: k.container, path: k.path, kept: k.kept, defined: k.defined })),
        tags: tags.changed.map((t) => tagChangeJson(t, outDir)),
        ...(rendered ? { renderProblems: renderProblemsJson(rendered), ...(rendered.unavailable && touchesReleases(r) ? { renderedUnavailable: rendered.unavailable } : {}) } : {}),
      },
      null,
      2,
    ) + '\n'
  );
}

/** A replaced tag as JSON (`diff --format json`, `check --json`). */
export function tagChangeJson(t: TagChange, outDir: string): object {
  return { file: `${outDir}/${t.file}`, namespace: t.namespace, name: t.name, container: t.container, path: t.path, why: t.why, previous: t.previous, written: t.written, filter: t.filter, next: t.next };
}

/** A plain line diff (longest common subsequence), every line marked ' ', '-' or '+'. */
export function lineDiff(a: readonly string[], b: readonly string[]): string[] {
  const n = a.length;
  const m = b.length;
  // The table is n×m: past a few million cells, say the whole old text went and the new one came.
  if (n * m > 4_000_000) return [...a.map((l) => `-${l}`), ...b.map((l) => `+${l}`)];
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push(` ${a[i]}`);
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] > lcs[i + 1][j])) out.push(`+${b[j++]}`);
    else out.push(`-${a[i++]}`);
  }
  return out;
}
