/**
 * Flux v1's image automation, as its daemon reads a HelmRelease: the
 * annotations a release's `flux` settings become, the containers Flux finds
 * in its values, and what its tag filters accept, with Flux's own semantics
 * (checked against the Go libraries Flux uses in `test/automation.test.ts`):
 *
 * - `glob:` is ryanuber/go-glob: only `*` is special, every pattern is valid;
 * - `semver:` is a Masterminds semver v3 constraint (`>= 1.2, < 3.0.0`,
 *   `!=1.2.3`, `~1.2`, `1.x`, `1.2 - 1.4` and `||` are valid there);
 * - `regex:` and `regexp:` are Go's RE2, unanchored (re2js, a port of RE2);
 * - an invalid semver or regex filter matches every tag in Flux, so
 *   helmflux refuses it.
 */
import { RE2JS } from 're2js';
import type { ContainerAutomation, FluxSettings, HelmValues } from '../../definition/types';

/** The container Flux names a release's top-level `values.image`. */
export const CHART_IMAGE = 'chart-image';

/** The annotations of a release's `flux` settings, in Flux's names. */
export function automationAnnotations(flux: FluxSettings | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (flux === undefined) return out;
  if (flux.automated) out['fluxcd.io/automated'] = 'true';
  if (flux.locked) out['fluxcd.io/locked'] = 'true';
  if (flux.lockedMessage !== undefined) out['fluxcd.io/locked_msg'] = flux.lockedMessage;
  if (flux.lockedUser !== undefined) out['fluxcd.io/locked_user'] = flux.lockedUser;
  if (flux.ignore) out['fluxcd.io/ignore'] = 'true';
  for (const [container, settings] of Object.entries(flux.containers ?? {})) {
    for (const [field, prefix] of CONTAINER_ANNOTATIONS) {
      const value = settings[field];
      if (value !== undefined) out[`${prefix}/${container}`] = value;
    }
  }
  return out;
}

const CONTAINER_ANNOTATIONS: readonly (readonly [keyof ContainerAutomation, string])[] = [
  ['filter', 'filter.fluxcd.io'],
  ['repository', 'repository.fluxcd.io'],
  ['tag', 'tag.fluxcd.io'],
  ['registry', 'registry.fluxcd.io'],
];

/** Whether an annotation key is one a release's `flux` settings write. */
export function isAutomationAnnotation(key: string): boolean {
  return (
    ['fluxcd.io/automated', 'fluxcd.io/locked', 'fluxcd.io/locked_msg', 'fluxcd.io/locked_user', 'fluxcd.io/ignore'].includes(key) ||
    CONTAINER_ANNOTATIONS.some(([, prefix]) => key.startsWith(`${prefix}/`))
  );
}

/**
 * The containers Flux v1 finds in a release's values: `chart-image` for a
 * top-level `image`, and each top-level key whose mapping holds `image`.
 * (Containers given by `repository` paths are named by their settings.)
 */
export function valuesContainers(values: HelmValues | undefined): string[] {
  if (values === undefined) return [];
  const found: string[] = [];
  if (Object.prototype.hasOwnProperty.call(values, 'image')) found.push(CHART_IMAGE);
  for (const [key, value] of Object.entries(values)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, 'image')) found.push(key);
  }
  return found;
}

/** Why a filter is invalid in Flux (where it would match every tag), or undefined when it is valid. */
export function filterProblem(filter: string): string | undefined {
  const colon = filter.indexOf(':');
  const kind = filter.slice(0, colon);
  const pattern = filter.slice(colon + 1);
  switch (kind) {
    case 'glob':
      return undefined;
    case 'semver':
      return semverConstraintProblem(pattern);
    case 'regex':
    case 'regexp':
      try {
        RE2JS.compile(pattern);
        return undefined;
      } catch (err) {
        return `is not a valid RE2 regular expression (${(err as Error).message})`;
      }
    default:
      return 'does not start with glob:, semver:, regex: or regexp:';
  }
}

/** Whether a tag passes a glob or regex filter; undefined for a semver filter (not evaluated by helmflux). */
export function filterMatches(filter: string, tag: string): boolean | undefined {
  const colon = filter.indexOf(':');
  const kind = filter.slice(0, colon);
  const pattern = filter.slice(colon + 1);
  if (kind === 'glob') return globMatches(pattern, tag);
  if (kind === 'regex' || kind === 'regexp') return RE2JS.compile(pattern).matcher(tag).find();
  return undefined;
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

// Masterminds semver v3's constraint grammar (constraints.go), in JavaScript.
const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;
const VALID = new RegExp(String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`);
const FIND = new RegExp(String.raw`(${OPS})\s*(${CV})`, 'g');
const ONE = new RegExp(String.raw`^\s*(${OPS})\s*(${CV})\s*$`);
const RANGE = new RegExp(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`, 'g');
const VERSION = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const MAX_UINT64 = 18446744073709551615n;

const isX = (s: string) => s === 'x' || s === 'X' || s === '*';

/** Why Masterminds semver v3 refuses a constraint, or undefined when it parses. */
export function semverConstraintProblem(constraint: string): string | undefined {
  // "1.2 - 1.4" becomes ">= 1.2, <= 1.4" first, as in NewConstraint.
  const rewritten = constraint.replace(RANGE, (_m, ...g: string[]) => `>= ${g[0]}, <= ${g[10]}`);
  for (const segment of rewritten.split('||')) {
    if (!VALID.test(segment)) return `is not a valid semver constraint (Masterminds semver v3, as Flux reads it): improper constraint "${segment}"`;
    const parts = segment.match(FIND) ?? [segment];
    for (const part of parts) {
      if (part.length === 0) continue;
      const m = ONE.exec(part);
      if (m === null) return `is not a valid semver constraint: improper constraint "${part}"`;
      let version = m[2];
      if (isX(m[3]) || m[3] === undefined) version = `0.0.0${m[6] ?? ''}`;
      else if (m[4] === undefined || isX(m[4].slice(1))) version = `${m[3]}.0.0${m[6] ?? ''}`;
      else if (m[5] === undefined || isX(m[5].slice(1))) version = `${m[3]}${m[4]}.0${m[6] ?? ''}`;
      const problem = versionProblem(version);
      if (problem) return `is not a valid semver constraint: ${problem} in "${part.trim()}"`;
    }
  }
  return undefined;
}

/** Masterminds' NewVersion checks: the shape, numbers within 64 bits, no leading zero in a numeric prerelease part. */
function versionProblem(version: string): string | undefined {
  const m = VERSION.exec(version);
  if (m === null) return `"${version}" is not a version`;
  for (const n of [m[1], m[2]?.slice(1), m[3]?.slice(1)]) if (n !== undefined && BigInt(n) > MAX_UINT64) return `"${n}" is too large`;
  for (const part of (m[5] ?? '').split('.')) if (part.length > 1 && /^[0-9]+$/.test(part) && part.startsWith('0')) return `prerelease "${part}" starts with 0`;
  return undefined;
}
