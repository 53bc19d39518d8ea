/**
 * Reading a file of the output folder back, strictly: every document parses
 * (YAML 1.1, as Flux v1 and the Helm operator read it) or the file is
 * unreadable, with the line that broke it. A merge that left git's conflict
 * markers is said to be one, with both sides, so the caller can tell what
 * each side holds. Pure.
 */
import type { Document } from 'yaml';

/** At most this many aliases are followed in one document (a YAML "billion laughs" ends here). */
export const MAX_ALIASES = 100;

/** Why a file cannot be read, and where. */
export interface Unreadable {
  /** 1-based line of the first problem. */
  readonly line: number;
  readonly reason: string;
  /** For a merge left unresolved: the file as each side had it (`ours`: before `=======`, `theirs`: after it). */
  readonly sides?: { readonly ours: string; readonly theirs: string };
}

/** The documents of a text, or why and where it cannot be read. */
export function parseDocuments(text: string): { documents: Document.Parsed[] } | Unreadable {
  const conflict = conflictOf(text);
  if (conflict !== undefined) return conflict;
  // Loaded on first use: a synth whose output folder holds nothing to compare never loads the parser.
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  const documents = parseAllDocuments(text, { version: '1.1' });
  const list = Array.isArray(documents) ? documents : [documents];
  for (const d of list) {
    const error = d.errors[0];
    if (error !== undefined) return { line: error.linePos?.[0].line ?? 1, reason: `is not valid YAML: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}` };
  }
  return { documents: list };
}

/** The objects of a text as plain data (documents that are not mappings left out), or why and where it cannot be read. */
export function parseObjects(text: string): { objects: Record<string, unknown>[] } | Unreadable {
  const parsed = parseDocuments(text);
  if (!('documents' in parsed)) return parsed;
  const objects: Record<string, unknown>[] = [];
  for (const d of parsed.documents) {
    let data: unknown;
    try {
      data = d.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (err) {
      return { line: d.contents?.range?.[0] === undefined ? 1 : lineAt(text, d.contents.range[0]), reason: `cannot be read: ${(err as Error).message.split('\n')[0]}` };
    }
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) objects.push(data as Record<string, unknown>);
  }
  return { objects };
}

const OPEN = /^<{7}(?: |$)/;
const BASE = /^\|{7}(?: |$)/;
const MIDDLE = /^={7}$/;
const CLOSE = /^>{7}(?: |$)/;

/** git's conflict markers (merge or diff3 style), as both sides of the file; undefined when there are none. */
function conflictOf(text: string): Unreadable | undefined {
  const lines = text.split('\n');
  const first = lines.findIndex((l) => OPEN.test(l.replace(/\r$/, '')));
  if (first < 0 || !lines.some((l, i) => i > first && CLOSE.test(l.replace(/\r$/, '')))) return undefined;
  const ours: string[] = [];
  const theirs: string[] = [];
  let state: 'both' | 'ours' | 'base' | 'theirs' = 'both';
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (state === 'both' && OPEN.test(line)) state = 'ours';
    else if (state === 'ours' && BASE.test(line)) state = 'base';
    else if ((state === 'ours' || state === 'base') && MIDDLE.test(line)) state = 'theirs';
    else if (state === 'theirs' && CLOSE.test(line)) state = 'both';
    else {
      if (state === 'both' || state === 'ours') ours.push(raw);
      if (state === 'both' || state === 'theirs') theirs.push(raw);
    }
  }
  return { line: first + 1, reason: 'holds git conflict markers (a merge left unresolved)', sides: { ours: ours.join('\n'), theirs: theirs.join('\n') } };
}

/** The 1-based line of an offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
