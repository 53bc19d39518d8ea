// Repository settings shared by every environment: yours to edit. helmflux
// reads this file at every synth (no build); environment files see it as
// `import { settings } from 'helmflux'`. Each setting is documented in the
// editor (hover it) and in the README's "Settings" section.
import { defineSettings } from 'helmflux';

export default defineSettings({
  chartsGitUrl: 'git@github.com:mifonpe/helmflux',
  fluxNamespace: 'fluxcd',
  // The seed installs Flux without --sync-garbage-collection: removed objects stay in the cluster.
  fluxGarbageCollection: false,
});
