/**
 * Chart sources for Flux v2: the source-controller's GitRepository and
 * HelmRepository a v1 chart source becomes, and their names. Light and pure.
 *
 * - A git URL in scp form (`git@github.com:owner/repo`) becomes
 *   `ssh://git@github.com/owner/repo`, the only SSH form the GitRepository
 *   takes; `ssh://`, `http://` and `https://` URLs stay as they are; others
 *   (`git://`) have no v2 counterpart.
 * - The v1 `ref` becomes `ref.commit` when it is a full commit hash (40 or 64
 *   hexadecimal digits), `ref.tag` when it reads as a version (`v1.2.3`,
 *   `1.2.3-rc.1`), and `ref.branch` otherwise. The Helm operator accepted any
 *   of them in one field; a branch named like a version is read as a tag.
 * - One GitRepository per URL and ref, one HelmRepository per URL (and
 *   secret), in the namespace Flux runs in, so every environment using one
 *   names the same one. The name is readable (the repository's owner and name
 *   and the ref, or the host's words) and ends in `--` and 8 hexadecimal digits
 *   of a hash of the source's whole identity (kind, URL, ref, secret):
 *   `mifonpe-helmflux-master--1a2b3c4d`. The readable part alone is not
 *   injective (hosts are dropped, `a-b/c` and `a/b-c` read alike, long names
 *   are cut at 63 characters); the suffix makes two different sources two
 *   different names by construction, never one overwriting the other.
 */
import { createHash } from 'node:crypto';
import { isGitChart, type ChartSource } from '../../definition/types';
import type { GitRepositorySpec } from '../../imports/flux-v2-gitrepository-source.toolkit.fluxcd.io';
import type { HelmRepositorySpec } from '../../imports/flux-v2-helmrepository-source.toolkit.fluxcd.io';

/** The intervals helmflux writes (README, "Flux v2"). */
export const INTERVALS = { helmRelease: '5m', gitRepository: '1m', helmRepository: '10m', imageRepository: '5m', imageUpdate: '5m' } as const;

/** A git URL as the GitRepository takes it, or undefined when it has no v2 form. */
export function fluxGitUrl(url: string): string | undefined {
  const scp = /^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(url);
  if (scp) return `ssh://${scp[1]}@${scp[2]}/${scp[3].replace(/^\/+/, '')}`;
  return /^(ssh|https?):\/\/\S+$/.test(url) ? url : undefined;
}

/** Which field of a GitRepository's `ref` a v1 ref is. */
export function gitRefKind(ref: string): 'commit' | 'tag' | 'branch' {
  if (/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(ref)) return 'commit';
  if (/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(ref)) return 'tag';
  return 'branch';
}

/** A name part from free text: lowercase letters, digits and single dashes. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/\.git$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The last two path segments of a URL (`owner/repo`), or its host when it has none. */
function repositoryPart(url: string): string {
  const rest = url.replace(/^[a-z]+:\/\//, '').replace(/^[^@/]*@/, '');
  const segments = rest.split('/').slice(1).filter((s) => s !== '');
  return segments.length === 0 ? rest.split('/')[0] : segments.slice(-2).join('-');
}

const HASH_SUFFIX = 10; // `--` and 8 hexadecimal digits

/** An object name of at most 63 characters (so it can also be a label value): the readable words, then a hash of the identity. */
function objectName(readable: string, identity: readonly string[]): string {
  const words = (slug(readable) || 'source').slice(0, 63 - HASH_SUFFIX).replace(/-+$/, '');
  const hash = createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 8);
  return `${words}--${hash}`;
}

/** A chart source as Flux v2 reads it: the source object's kind, name and spec (typed by the classes generated from the CRDs), and the HelmRelease's `chart.spec`. */
export type FluxSource = (
  | { readonly kind: 'GitRepository'; readonly spec: GitRepositorySpec }
  | { readonly kind: 'HelmRepository'; readonly spec: HelmRepositorySpec }
) & {
  readonly name: string;
  /** `chart.spec.chart` (the chart's path or name) and `version`. */
  readonly chart: string;
  readonly version?: string;
};

/** The v2 source of a v1 chart source, or why there is none. */
export function fluxSource(chart: ChartSource, deployKeySecret: string): FluxSource | { readonly problem: string; readonly fix: string } {
  if (isGitChart(chart)) {
    const url = fluxGitUrl(chart.git);
    if (url === undefined) return { problem: `"${chart.git}" has no Flux v2 form: a GitRepository takes ssh://, http:// or https:// URLs`, fix: 'Use the ssh (git@host:owner/repo) or https URL of the repository.' };
    const kind = gitRefKind(chart.ref);
    return {
      kind: 'GitRepository',
      name: objectName(`${repositoryPart(url)}-${chart.ref}`, ['GitRepository', url, kind, chart.ref]),
      spec: {
        url,
        ref: kind === 'commit' ? { commit: chart.ref } : kind === 'tag' ? { tag: chart.ref } : { branch: chart.ref },
        interval: INTERVALS.gitRepository,
        // An ssh:// source cannot clone without its key.
        ...(url.startsWith('ssh://') ? { secretRef: { name: deployKeySecret } } : {}),
      },
      chart: chart.path,
    };
  }
  // Readable: the host's words (no `www`), then the path's last two segments when there are any; the host never twice.
  const rest = chart.repository.replace(/^[a-z]+:\/\//, '').replace(/^[^@/]*@/, '');
  const host = rest.split('/')[0].split(':')[0];
  const segments = rest.split('/').slice(1).filter((s) => s !== '');
  return {
    kind: 'HelmRepository',
    name: objectName([host.split('.').filter((p) => p !== 'www').join('-'), ...segments.slice(-2)].join('-'), ['HelmRepository', chart.repository, chart.secretRef?.name ?? '']),
    spec: { url: chart.repository, interval: INTERVALS.helmRepository, ...(chart.secretRef ? { secretRef: { name: chart.secretRef.name } } : {}) },
    chart: chart.name,
    version: chart.version,
  };
}
