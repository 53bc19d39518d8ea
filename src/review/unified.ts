/**
 * `diff --unified`: a patch of the files as they are written, for reading.
 * Git-style `a/` and `b/` paths (`/dev/null` for a file added or removed),
 * `@@ -a,b +c,d @@` hunks with three lines of context, line numbers of the
 * files as written (header included). Every value `secrets.ts` masks is
 * replaced in the text by `(masked)`, on each line it spans, so line numbers
 * stay true while no secret is printed: the patch is for reading, not for
 * `git apply`. A file that does not parse is left out (it is listed as
 * unreadable): its secrets could not be found.
 */
import type { Node } from 'yaml';
import { isSecretValue } from '../definition/secret-keys';
import { compareCodePoints } from '../order';
import { parseDocuments } from '../output/read';
import { lineDiff, type Colors } from './format';
import { isSecretPair, isSecretPath, maskingOf } from './secrets';

/** Lines of context around each change. */
const CONTEXT = 3;

/** The first line a patch starts with: patch tools skip it, readers see what the patch is. */
export const PATCH_NOTE = '# helmflux diff --unified: secrets are shown as (masked); a patch for reading, not for git apply';

/** A patch of every file that differs (`before`, `after`: relative path -> text). */
export function formatPatch(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, outDir: string, paint: Colors): string {
  const files = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f)).sort(compareCodePoints);
  const out: string[] = [];
  for (const file of files) {
    const a = before.get(file);
    const b = after.get(file);
    const oldLines = a === undefined ? [] : maskedLines(a);
    const newLines = b === undefined ? [] : maskedLines(b);
    if (oldLines === undefined || newLines === undefined) continue;
    const hunks = hunksOf(lineDiff(oldLines, newLines));
    if (hunks.length === 0) continue;
    out.push(paint.bold(`--- ${a === undefined ? '/dev/null' : `a/${outDir}/${file}`}`), paint.bold(`+++ ${b === undefined ? '/dev/null' : `b/${outDir}/${file}`}`));
    for (const hunk of hunks) {
      out.push(paint.cyan(hunk.header));
      for (const line of hunk.lines) out.push(line.startsWith('-') ? paint.red(line) : line.startsWith('+') ? paint.green(line) : line);
    }
  }
  return out.length === 0 ? '' : `${PATCH_NOTE}\n${out.join('\n')}\n`;
}

/** A text's lines with every masked value replaced by `(masked)`; undefined when it does not parse. */
export function maskedLines(text: string): string[] | undefined {
  const lines = text.replace(/\n$/, '').split('\n');
  const parsed = parseDocuments(text);
  if (!('documents' in parsed)) return undefined;
  const spans: [number, number][] = [];
  for (const doc of parsed.documents) {
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch {
      return undefined;
    }
    const masking = maskingOf(data);
    const walk = (node: Node | null | undefined, path: (string | number)[], pair: boolean): void => {
      if (node === null || node === undefined) return;
      const n = node as Node & { items?: unknown[]; value?: unknown; range?: [number, number, number] };
      if ('items' in n && Array.isArray(n.items)) {
        const isMap = n.items.length > 0 && typeof n.items[0] === 'object' && n.items[0] !== null && 'key' in (n.items[0] as object);
        if (isMap) {
          const plain = Object.fromEntries(
            (n.items as { key: Node & { value?: unknown }; value: Node & { value?: unknown } }[]).map((p) => [String(p.key?.value), p.value?.value]),
          );
          const secretPair = isSecretPair(plain);
          for (const p of n.items as { key: Node & { value?: unknown }; value: Node | null }[]) {
            const key = String(p.key?.value);
            const at = [...path, key];
            if (isSecretPath(at, masking) || (secretPair && (key === 'value' || key === 'valueFrom'))) mask(p.value);
            else walk(p.value, at, false);
          }
        } else (n.items as Node[]).forEach((item, i) => walk(item, [...path, i], pair));
        return;
      }
      if (typeof n.value === 'string' && isSecretValue(n.value)) mask(n);
    };
    const mask = (node: Node | null | undefined) => {
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) spans.push([range[0], range[1]]);
    };
    walk(doc.contents as Node, [], false);
  }
  if (spans.length === 0) return lines;
  // Offsets to lines: mask each span on every line it covers, keeping the line count.
  const starts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const out = [...lines];
  for (const [start, end] of spans.sort((x, y) => y[0] - x[0])) {
    const first = lineOf(start);
    const last = lineOf(Math.max(start, end - 1));
    for (let l = first; l <= last && l < out.length; l++) {
      const from = l === first ? start - starts[l] : (/^\s*/.exec(out[l])?.[0].length ?? 0);
      const to = l === last ? end - starts[l] : out[l].length;
      out[l] = l === first ? `${out[l].slice(0, from)}(masked)${out[l].slice(Math.max(from, to))}` : `${out[l].slice(0, from)}(masked)`;
    }
  }
  return out;
}

/** Hunks of a line diff (`lineDiff`'s ' ', '-', '+' lines), with line numbers and CONTEXT lines around each change. */
function hunksOf(ops: readonly string[]): { header: string; lines: string[] }[] {
  const hunks: { header: string; lines: string[] }[] = [];
  let oldLine = 1;
  let newLine = 1;
  const positions = ops.map((op) => {
    const at = { op, old: oldLine, new: newLine };
    if (op[0] !== '+') oldLine++;
    if (op[0] !== '-') newLine++;
    return at;
  });
  let i = 0;
  while (i < positions.length) {
    if (positions[i].op[0] === ' ') {
      i++;
      continue;
    }
    const start = Math.max(0, i - CONTEXT);
    let end = i;
    // Extend while the next change is within two contexts of the last.
    for (let j = i; j < positions.length; j++) {
      if (positions[j].op[0] !== ' ') end = j;
      else if (j - end > 2 * CONTEXT) break;
    }
    const stop = Math.min(positions.length, end + CONTEXT + 1);
    const slice = positions.slice(start, stop);
    const oldCount = slice.filter((p) => p.op[0] !== '+').length;
    const newCount = slice.filter((p) => p.op[0] !== '-').length;
    const oldStart = oldCount === 0 ? slice[0].old - 1 : slice.find((p) => p.op[0] !== '+')!.old;
    const newStart = newCount === 0 ? slice[0].new - 1 : slice.find((p) => p.op[0] !== '-')!.new;
    hunks.push({ header: `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`, lines: slice.map((p) => p.op) });
    i = stop;
  }
  return hunks;
}
