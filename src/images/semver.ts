/**
 * Semantic versions and constraints as Masterminds semver v3 reads them,
 * which is what Flux v1 filters tags with (`semver:` filters). npm's
 * `semver` reads constraints differently (`>= 1.2, < 3.0.0` and `!=1.2.3`
 * are valid here, not there), so this is a reading of Masterminds' own
 * grammar and checks, tested against the Go library itself
 * (`test/automation.test.ts`).
 *
 * Two releases of Masterminds semver read filters, and they differ: Flux v1
 * is built with v3.1.1, Flux v2's image-reflector-controller with v3.2 and
 * later. `Dialect` picks one. In v3.1.1: constraints may follow each other
 * with no separator and end with a comma (`>1<2`, `>1,`); a wildcard drops
 * its prerelease (`*-alpha` is `*`, so it admits no prerelease); and `^0.0.z`
 * checks only the patch (`^0.0.3` admits 0.1.3). v3.2 requires a space or
 * comma between constraints, keeps the prerelease, and compares the minor.
 *
 * Masterminds' grammar is a set of Go regular expressions; they run here
 * under RE2 semantics too (re2js), in time linear in the input: JavaScript's
 * backtracking engine takes exponential time on them for a constraint of a
 * few versions separated by runs of spaces.
 */
import type { RE2JS } from 're2js';

interface Version {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly pre: string;
}

interface Constraint {
  readonly dialect: Dialect;
  readonly op: string;
  readonly con: Version;
  readonly dirty: boolean;
  readonly minorDirty: boolean;
  readonly patchDirty: boolean;
}

const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;
// Go's \s is ASCII whitespace only; JavaScript's also matches Unicode spaces (a pasted no-break space).
const S = String.raw`[\t\n\f\r ]`;
/** Which Masterminds semver reads: Flux v1's (v3.1.1) or Flux v2's (v3.2). */
export type Dialect = '3.1.1' | '3.2';

/** Masterminds' constraint patterns, compiled with re2js on first use (a synth without `semver:` filters never loads it). */
let patterns: { VALID: RE2JS; VALID_311: RE2JS; FIND: RE2JS; ONE: RE2JS; RANGE: RE2JS } | undefined;
function constraintPatterns(): NonNullable<typeof patterns> {
  if (patterns === undefined) {
    const { RE2JS: re2 } = require('re2js') as typeof import('re2js');
    patterns = {
      VALID: re2.compile(String.raw`^(${S}*(${OPS})${S}*(${CV})${S}*)((?:${S}+|,${S}*)(${OPS})${S}*(${CV})${S}*)*$`),
      VALID_311: re2.compile(String.raw`^(${S}*(${OPS})${S}*(${CV})${S}*\,?)+$`),
      FIND: re2.compile(String.raw`(${OPS})${S}*(${CV})`),
      ONE: re2.compile(String.raw`^${S}*(${OPS})${S}*(${CV})${S}*$`),
      RANGE: re2.compile(String.raw`${S}*(${CV})${S}+-${S}+(${CV})${S}*`),
    };
  }
  return patterns;
}
const VERSION = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const MAX_UINT64 = 18446744073709551615n;

const isX = (s: string) => s === 'x' || s === 'X' || s === '*';

/** A version as Masterminds' NewVersion parses it (`1.2` is 1.2.0, a `v` is allowed), or why it cannot. */
function parseVersion(text: string): Version | string {
  const m = VERSION.exec(text);
  if (m === null) return `"${text}" is not a version`;
  const numbers = [m[1], m[2]?.slice(1) ?? '0', m[3]?.slice(1) ?? '0'].map((n) => BigInt(n));
  if (numbers.some((n) => n > MAX_UINT64)) return `"${text}" has a number over 64 bits`;
  const pre = m[5] ?? '';
  for (const part of pre === '' ? [] : pre.split('.')) if (part.length > 1 && /^[0-9]+$/.test(part) && part.startsWith('0')) return `prerelease "${part}" starts with 0`;
  return { major: numbers[0], minor: numbers[1], patch: numbers[2], pre };
}

/** Every match of an RE2 pattern in a text, left to right, each as its groups (`undefined` for a group that did not take part). */
function allMatches(re: RE2JS, text: string): { start: number; end: number; groups: (string | undefined)[] }[] {
  const out: { start: number; end: number; groups: (string | undefined)[] }[] = [];
  const m = re.matcher(text);
  while (m.find()) {
    const groups: (string | undefined)[] = [];
    for (let i = 0; i <= m.groupCount(); i++) groups.push(m.group(i) ?? undefined);
    out.push({ start: m.start(), end: m.end(), groups });
    if (m.end() === m.start() && m.end() >= text.length) break;
  }
  return out;
}

/** The groups of an RE2 pattern's match of a whole text, or null. */
function exec(re: RE2JS, text: string): (string | undefined)[] | null {
  const m = re.matcher(text);
  if (!m.find()) return null;
  const groups: (string | undefined)[] = [];
  for (let i = 0; i <= m.groupCount(); i++) groups.push(m.group(i) ?? undefined);
  return groups;
}

/** Parsed constraints by dialect and text: a filter is read once per process, however many tags it is checked against. */
const parsedConstraints = new Map<string, Constraint[][] | string>();

/** A constraint string as Masterminds' NewConstraint parses it: OR groups of AND constraints, or why it cannot. */
function parseConstraints(text: string, dialect: Dialect): Constraint[][] | string {
  const key = `${dialect}\0${text}`;
  let parsed = parsedConstraints.get(key);
  if (parsed === undefined) {
    parsed = parseConstraintsOnce(text, dialect);
    if (parsedConstraints.size > 1000) parsedConstraints.clear();
    parsedConstraints.set(key, parsed);
  }
  return parsed;
}

function parseConstraintsOnce(text: string, dialect: Dialect): Constraint[][] | string {
  const { FIND, ONE, RANGE } = constraintPatterns();
  const VALID = dialect === '3.1.1' ? constraintPatterns().VALID_311 : constraintPatterns().VALID;
  // "1.2 - 1.4" becomes ">= 1.2, <= 1.4" first (Go's ReplaceAllStringFunc: left to right, not overlapping).
  let rewritten = '';
  let at = 0;
  for (const range of allMatches(RANGE, text)) {
    rewritten += `${text.slice(at, range.start)}>= ${range.groups[1]}, <= ${range.groups[11]}`;
    at = range.end;
  }
  rewritten += text.slice(at);
  const groups: Constraint[][] = [];
  for (const segment of rewritten.split('||')) {
    if (!VALID.matcher(segment).find()) return `improper constraint "${segment.length > 80 ? `${segment.slice(0, 77)}...` : segment}"`;
    const group: Constraint[] = [];
    const found = allMatches(FIND, segment).map((f) => f.groups[0]!);
    for (const part of found.length > 0 ? found : [segment]) {
      const m = exec(ONE, part);
      if (m === null) return `improper constraint "${part}"`;
      let version = m[2]!;
      let dirty = false;
      let minorDirty = false;
      let patchDirty = false;
      if (m[3] === undefined || isX(m[3])) {
        // v3.1.1 drops a wildcard's prerelease (`*-alpha` is `*`).
        version = dialect === '3.1.1' ? '0.0.0' : `0.0.0${m[6] ?? ''}`;
        dirty = true;
      } else if (m[4] === undefined || isX(m[4].slice(1))) {
        version = `${m[3]}.0.0${m[6] ?? ''}`;
        dirty = minorDirty = true;
      } else if (m[5] === undefined || isX(m[5].slice(1))) {
        version = `${m[3]}${m[4]}.0${m[6] ?? ''}`;
        dirty = patchDirty = true;
      }
      const con = parseVersion(version);
      if (typeof con === 'string') return `${con} in "${part.trim()}"`;
      group.push({ dialect, op: m[1]!, con, dirty, minorDirty, patchDirty });
    }
    groups.push(group);
  }
  return groups;
}

/** Why Masterminds semver (`dialect`) refuses a constraint, or undefined when it parses. */
export function semverConstraintProblem(text: string, dialect: Dialect): string | undefined {
  const parsed = parseConstraints(text, dialect);
  return typeof parsed === 'string' ? `is not a valid semver constraint (Masterminds semver v${dialect}, as Flux ${dialect === '3.1.1' ? 'v1' : 'v2'} reads it): ${parsed}` : undefined;
}

/** Whether a tag satisfies a constraint, as Flux's semver filter decides with Masterminds `dialect` (a tag that is not a version never does). */
export function semverMatches(constraint: string, tag: string, dialect: Dialect): boolean {
  // As Flux: the tag is read first (a tag that is not a version never matches), then an invalid constraint matches every version.
  const version = parseVersion(tag);
  if (typeof version === 'string') return false;
  const groups = parseConstraints(constraint, dialect);
  if (typeof groups === 'string') return true;
  return groups.some((group) => group.every((c) => check(version, c)));
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compare(v: Version, o: Version): number {
  const d = cmp(v.major, o.major) || cmp(v.minor, o.minor) || cmp(v.patch, o.patch);
  if (d !== 0) return d;
  if (v.pre === '' && o.pre === '') return 0;
  if (v.pre === '') return 1;
  if (o.pre === '') return -1;
  return comparePrerelease(v.pre, o.pre);
}

function comparePrerelease(v: string, o: string): number {
  const s = v.split('.');
  const t = o.split('.');
  for (let i = 0; i < Math.max(s.length, t.length); i++) {
    const d = comparePrePart(s[i] ?? '', t[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return o !== '' ? -1 : 1;
  if (o === '') return 1;
  const sNumber = /^[0-9]+$/.test(s) && BigInt(s) <= MAX_UINT64;
  const oNumber = /^[0-9]+$/.test(o) && BigInt(o) <= MAX_UINT64;
  if (!sNumber && !oNumber) return s > o ? 1 : -1;
  if (!oNumber) return -1;
  if (!sNumber) return 1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

function check(v: Version, c: Constraint): boolean {
  const releaseOnly = v.pre !== '' && c.con.pre === '';
  switch (c.op) {
    case '':
    case '=':
      if (releaseOnly) return false;
      return c.dirty ? tilde(v, c) : compare(v, c.con) === 0;
    case '!=':
      return notEqual(v, c);
    case '>':
      if (releaseOnly) return false;
      if (!c.dirty) return compare(v, c.con) === 1;
      if (v.major > c.con.major) return true;
      if (v.major < c.con.major || c.minorDirty) return false;
      if (c.patchDirty) return v.minor > c.con.minor;
      return compare(v, c.con) === 1;
    case '<':
      return !releaseOnly && compare(v, c.con) < 0;
    case '>=':
    case '=>':
      return !releaseOnly && compare(v, c.con) >= 0;
    case '<=':
    case '=<':
      if (releaseOnly) return false;
      if (!c.dirty) return compare(v, c.con) <= 0;
      if (v.major > c.con.major) return false;
      return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
    case '~':
    case '~>':
      return !releaseOnly && tilde(v, c);
    case '^':
      return !releaseOnly && caret(v, c);
    default:
      return false;
  }
}

function tilde(v: Version, c: Constraint): boolean {
  if (v.pre !== '' && c.con.pre === '') return false;
  if (compare(v, c.con) < 0) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  return !(v.minor !== c.con.minor && !c.minorDirty);
}

function caret(v: Version, c: Constraint): boolean {
  if (compare(v, c.con) < 0) return false;
  if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
  if (c.con.major === 0n && v.major > 0n) return false;
  if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
  // v3.2 added this: `^0.0.z` is =0.0.z; v3.1.1 compares the patch alone.
  if (c.dialect === '3.2' && c.con.minor === 0n && v.minor > 0n) return false;
  return c.con.patch === v.patch;
}

function notEqual(v: Version, c: Constraint): boolean {
  if (!c.dirty) return compare(v, c.con) !== 0;
  if (v.pre !== '' && c.con.pre === '') return false;
  if (c.con.major !== v.major) return true;
  if (c.con.minor !== v.minor && !c.minorDirty) return true;
  if (c.minorDirty) return false;
  if (c.con.patch !== v.patch && !c.patchDirty) return true;
  if (c.patchDirty) {
    if (v.pre !== '' || c.con.pre !== '') return comparePrerelease(v.pre, c.con.pre) !== 0;
    return false;
  }
  return compare(v, c.con) !== 0;
}
