import { defineEnvironment } from 'helmflux';
import { helmbasics } from '../common/charts/helmbasics';

export default defineEnvironment({
  namespace: { name: 'staging' },
  releases: [
    helmbasics.release({
      name: 'helmbasic-staging',
      releaseName: 'helmbasic-staging',
      ref: 'staging',
      flux: { automated: true },
      values: {
        environment: 'staging',
        replicaCount: 2,
        ingress: { host: 'mywebserver.staging.kubesandclouds.com' },
      },
    }),
  ],
});
