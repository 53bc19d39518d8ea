/**
 * Flux v1's image automation, as its daemon reads a HelmRelease: the
 * annotations a release's `flux` settings become, the containers Flux finds
 * in its values, and what its tag filters accept, with Flux's own semantics
 * (checked against the Go libraries Flux uses in `test/automation.test.ts`):
 *
 * - `glob:` is ryanuber/go-glob: only `*` is special, every pattern is valid;
 * - `semver:` is a Masterminds semver v3 constraint (`>= 1.2, < 3.0.0`,
 *   `!=1.2.3`, `~1.2`, `1.x`, `1.2 - 1.4` and `||` are valid there;
 *   `semver.ts`);
 * - `regex:` and `regexp:` are Go's RE2, unanchored (re2js, a port of RE2);
 * - an invalid semver or regex filter matches every tag in Flux, so
 *   helmflux refuses it.
 */
import { RE2JS } from 're2js';
import { parseAllDocuments } from 'yaml';
import { headerSource, type RenderedFile } from '../../output/layout';
import { semverConstraintProblem, semverMatches } from './semver';
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

/** A filter's kind and pattern, as Flux's NewPattern reads it: by prefix; anything else is a glob of the whole string. */
function parseFilter(filter: string): { kind: 'glob' | 'semver' | 'regex'; pattern: string; prefixed: boolean } {
  for (const [prefix, kind] of [['glob:', 'glob'], ['semver:', 'semver'], ['regexp:', 'regex'], ['regex:', 'regex']] as const) {
    if (filter.startsWith(prefix)) return { kind, pattern: filter.slice(prefix.length), prefixed: true };
  }
  return { kind: 'glob', pattern: filter, prefixed: false };
}

/** Why a filter is invalid in Flux (where it would match every tag), or undefined when it is valid. */
export function filterProblem(filter: string): string | undefined {
  const { kind, pattern, prefixed } = parseFilter(filter);
  if (!prefixed) return 'does not start with glob:, semver:, regex: or regexp:';
  if (kind === 'semver') return semverConstraintProblem(pattern);
  if (kind === 'regex') {
    // re2js accepts named groups written (?<name>...); the Go that Flux v1 is built with does not.
    if (pattern.includes('(?<')) return 'is not a valid RE2 regular expression as Flux reads it (Go does not accept (?<name>...); write (?P<name>...))';
    try {
      RE2JS.compile(pattern);
      return undefined;
    } catch (err) {
      return `is not a valid RE2 regular expression (${(err as Error).message})`;
    }
  }
  return undefined;
}

/** Whether a tag passes a filter, as Flux decides (a filter without a known prefix is a glob, as in Flux). */
export function filterMatches(filter: string, tag: string): boolean {
  const { kind, pattern } = parseFilter(filter);
  if (kind === 'semver') return semverMatches(pattern, tag);
  if (kind === 'regex') {
    if (pattern.includes('(?<')) return true; // invalid for Flux's Go (see filterProblem): it matches every tag
    try {
      return RE2JS.compile(pattern).matcher(tag).find();
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

/**
 * Warnings about rendered releases: a filter on a release that is not
 * automated has no effect (Flux does not update it). Read from the rendered
 * files, so cached environments are warned about too.
 */
export function automationWarnings(files: readonly RenderedFile[]): string[] {
  const warnings: string[] = [];
  for (const file of files) {
    if (!file.path.startsWith('releases/') || !file.text.includes('filter.fluxcd.io/')) continue;
    for (const document of parseAllDocuments(file.text, { version: '1.1' })) {
      const object = document.toJS() as { metadata?: { name?: string; annotations?: Record<string, string> } } | null;
      const annotations = object?.metadata?.annotations ?? {};
      if (annotations['fluxcd.io/automated'] === 'true') continue;
      for (const key of Object.keys(annotations).filter((k) => k.startsWith('filter.fluxcd.io/'))) {
        warnings.push(
          `${headerSource(file.text) ?? file.path}: release ${object?.metadata?.name}: ${key} has no effect: the release is not automated (flux.automated), so Flux does not update its images`,
        );
      }
    }
  }
  return warnings;
}
