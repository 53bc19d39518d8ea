// The chart helmbasics: where it comes from, and the values all its releases share.
// Written once by `helmflux chart import`; yours to edit. Its types (./values.ts)
// come from ./values.schema.json: tighten the schema, then `npx helmflux chart types`.
import { defineChart, settings } from 'helmflux';
import schema from './values.schema.json';
import type { HelmbasicsValues } from './values';

/** A Helm chart for Kubernetes (`helmbasics/` in the charts repository). */
export const helmbasics = defineChart<HelmbasicsValues>({
  name: 'helmbasics',
  schema,
  // The chart's folder in the git repository of the settings, at the release's ref.
  source: (ref) => ({ git: settings.chartsGitUrl, path: 'helmbasics', ref }),
  // Values every release of helmbasics shares; each release's own values are merged over them.
  values: {},
});
