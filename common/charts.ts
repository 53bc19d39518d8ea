// Chart sources the environments share: the git URL (from the settings) and
// the chart's folder live here once; each environment picks its ref.
import { settings, type GitChartSource } from 'helmflux';

/** The seed's web server chart (`helmbasics/` in the charts repository) at a branch, tag or commit. */
export function helmbasics(ref: string): GitChartSource {
  return { git: settings.chartsGitUrl, path: 'helmbasics', ref };
}
