/**
 * Image tag filters as Flux reads them, below every layer that needs them
 * (definition validation, the Flux v1 target, the Flux v2 target), checked
 * against the Go libraries Flux uses in `test/automation.test.ts`:
 *
 * - `glob:` is ryanuber/go-glob: only `*` is special, every pattern is valid;
 * - `semver:` is a Masterminds semver v3 constraint (`>= 1.2, < 3.0.0`,
 *   `!=1.2.3`, `~1.2`, `1.x`, `1.2 - 1.4` and `||` are valid there;
 *   `semver.ts`);
 * - `regex:` and `regexp:` are Go's RE2, unanchored (re2js, a port of RE2);
 * - an invalid semver or regex filter matches every tag in Flux, so
 *   helmflux refuses it;
 * - a filter without a known prefix is a glob of the whole string.
 */
import type { RE2JS } from 're2js';
import { semverConstraintProblem, semverMatches, type Dialect } from './semver';

export type { Dialect };

export type FilterKind = 'glob' | 'semver' | 'regex';

/** A filter's kind and pattern, as Flux's NewPattern reads it: by prefix; anything else is a glob of the whole string. */
export function parseFilter(filter: string): { kind: FilterKind; pattern: string; prefixed: boolean } {
  for (const [prefix, kind] of [['glob:', 'glob'], ['semver:', 'semver'], ['regexp:', 'regex'], ['regex:', 'regex']] as const) {
    if (filter.startsWith(prefix)) return { kind, pattern: filter.slice(prefix.length), prefixed: true };
  }
  return { kind: 'glob', pattern: filter, prefixed: false };
}

/** re2js, loaded on first use: only `regex:` filters need it. */
function re2(): typeof RE2JS {
  return (require('re2js') as typeof import('re2js')).RE2JS;
}

/** The longest filter helmflux reads: real ones are a few dozen characters; a longer one is a mistake or an attack. */
export const MAX_FILTER_LENGTH = 512;

/** Why a filter is invalid in Flux (where it would match every tag), or undefined when it is valid; `dialect`: the Masterminds semver of the Flux read for (v1: 3.1.1, v2: 3.2). */
export function filterProblem(filter: string, dialect: Dialect): string | undefined {
  if (filter.length > MAX_FILTER_LENGTH) return `is ${filter.length} characters long, over helmflux's limit of ${MAX_FILTER_LENGTH}`;
  const { kind, pattern, prefixed } = parseFilter(filter);
  if (!prefixed) return 'does not start with glob:, semver:, regex: or regexp:';
  if (kind === 'semver') return semverConstraintProblem(pattern, dialect);
  if (kind === 'regex') {
    // re2js accepts named groups written (?<name>...); the Go that Flux v1 is built with does not.
    if (pattern.includes('(?<')) return 'is not a valid RE2 regular expression as Flux reads it (Go does not accept (?<name>...); write (?P<name>...))';
    try {
      re2().compile(pattern);
      return undefined;
    } catch (err) {
      return `is not a valid RE2 regular expression (${(err as Error).message})`;
    }
  }
  return undefined;
}

/** Whether a tag passes a filter, as Flux decides (a filter without a known prefix is a glob, as in Flux); `dialect` as for filterProblem. */
export function filterMatches(filter: string, tag: string, dialect: Dialect): boolean {
  const { kind, pattern } = parseFilter(filter);
  if (kind === 'semver') return semverMatches(pattern, tag, dialect);
  if (kind === 'regex') {
    if (pattern.includes('(?<')) return true; // invalid for Flux's Go (see filterProblem): it matches every tag
    try {
      return re2().compile(pattern).matcher(tag).find();
    } catch {
      return true; // Flux: an invalid regex matches every tag (helmflux refuses it first)
    }
  }
  return globMatches(pattern, tag);
}

/** ryanuber/go-glob: `*` matches any run of characters (none included); everything else is literal. */
export function globMatches(pattern: string, subject: string): boolean {
  if (pattern === '*') return true;
  const parts = pattern.split('*');
  if (parts.length === 1) return subject === pattern;
  const leadingGlob = pattern.startsWith('*');
  const trailingGlob = pattern.endsWith('*');
  const end = parts.length - 1;
  for (let i = 0; i < end; i++) {
    const idx = subject.indexOf(parts[i]);
    if (i === 0) {
      if (!leadingGlob && idx !== 0) return false;
    } else if (idx < 0) {
      return false;
    }
    subject = subject.slice(idx + parts[i].length);
  }
  return trailingGlob || subject.endsWith(parts[end]);
}
