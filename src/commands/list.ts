/**
 * `helmflux list` as a library function: every environment's namespace and
 * releases, from the validated definitions (no rendering).
 */
import { isGitChart, type ChartSource } from '../definition/types';
import { loadValidEnvironments, openProject } from '../engine/pipeline';
import type { ProjectOptions } from '../load/project';
import { effectiveReleaseName } from '../definition/validate';

export interface ListRow {
  readonly environment: string;
  readonly namespace: string;
  /** The HelmRelease name, or `-` for an environment without releases. */
  readonly release: string;
  /** The Helm release name (given or derived). */
  readonly helmRelease: string;
  /** The chart source, by its fields: `{ git, path, ref }` or `{ repository, name, version }`; `-` for an environment without releases. */
  readonly chart: { readonly git: string; readonly path: string; readonly ref: string } | { readonly repository: string; readonly name: string; readonly version: string } | '-';
  /** How the values are checked: `chart <name>` (against the imported chart's schema), `unchecked`, or `-`. */
  readonly values: string;
}

export function list(options: ProjectOptions = {}): ListRow[] {
  const rows: ListRow[] = [];
  for (const env of loadValidEnvironments(openProject(options))) {
    const namespace = env.definition.namespace.name;
    const releases = env.definition.releases ?? [];
    if (releases.length === 0) rows.push({ environment: env.name, namespace, release: '-', helmRelease: '-', chart: '-', values: '-' });
    for (const release of releases) {
      const c = release.chart;
      rows.push({
        environment: env.name,
        namespace,
        release: release.name,
        helmRelease: effectiveReleaseName(namespace, release),
        chart: chartFields(c),
        values: release.imported ? `chart ${release.imported.name}` : 'unchecked',
      });
    }
  }
  return rows;
}

/** A chart source's own fields (none of the optional ones): what `list --json` gives. */
function chartFields(c: ChartSource): ListRow['chart'] {
  return isGitChart(c) ? { git: c.git, path: c.path, ref: c.ref } : { repository: c.repository, name: c.name, version: c.version };
}

/** A chart source in one line: `git <url> <path>@<ref>` or `helm <repository> <name>@<version>`. */
function chartText(c: ListRow['chart']): string {
  if (c === '-') return c;
  return 'git' in c ? `git ${c.git} ${c.path}@${c.ref}` : `helm ${c.repository} ${c.name}@${c.version}`;
}

/** The rows as an aligned text table with a header line. */
export function formatTable(rows: readonly ListRow[]): string {
  const header = ['ENVIRONMENT', 'NAMESPACE', 'RELEASE', 'HELM RELEASE', 'VALUES', 'CHART'];
  const cells = [header, ...rows.map((r) => [r.environment, r.namespace, r.release, r.helmRelease, r.values, chartText(r.chart)])];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}
