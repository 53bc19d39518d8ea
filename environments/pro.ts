import { defineEnvironment } from 'helmflux';
import { helmbasics } from '../common/charts/helmbasics';

export default defineEnvironment({
  namespace: { name: 'production' },
  releases: [
    helmbasics.release({
      name: 'helmbasic-production',
      releaseName: 'helmbasic-production',
      ref: 'master',
      flux: { automated: true },
      values: {
        environment: 'production',
        replicaCount: 3,
        ingress: { host: 'mywebserver.pro.kubesandclouds.com' },
      },
    }),
  ],
});
