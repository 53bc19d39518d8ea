import { defineEnvironment } from 'helmflux';
import { helmbasics } from '../common/charts/helmbasics';

export default defineEnvironment({
  namespace: { name: 'develop' },
  releases: [
    helmbasics.release({
      name: 'helmbasic-develop',
      releaseName: 'helmbasic-develop',
      ref: 'develop',
      // The post's image automation: Flux moves chart-image to each new v* tag it finds.
      flux: { automated: true, containers: { 'chart-image': { filter: 'glob:v*' } } },
      values: {
        environment: 'development',
        replicaCount: 1,
        ingress: { host: 'mywebserver.dev.kubesandclouds.com' },
        // The tag before Flux's auto-release to v0.0.2 (test/fixtures/reference/flux-v1-auto-release).
        image: { repository: 'fontanillamiguel/apache', tag: 'v0.0.1' },
      },
    }),
  ],
});
