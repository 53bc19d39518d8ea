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
  // Flux v1 for the seed; 'v2' (or `--flux v2`) writes the same environments for the Flux v2 toolkit.
  flux: 'v1',
  // Flux v2: the repository, branch and folder Flux syncs (flux bootstrap --url --branch --path).
  gitops: { url: 'ssh://git@github.com/mifonpe/helmflux', branch: 'master', path: 'dist' },
});
