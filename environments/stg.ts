import { defineEnvironment } from 'helmflux';
import { helmbasics } from '../common/charts';

export default defineEnvironment({
  namespace: { name: 'staging' },
  releases: [
    {
      name: 'helmbasic-staging',
      releaseName: 'helmbasic-staging',
      chart: helmbasics('staging'),
      flux: { automated: true },
      values: {
        environment: 'staging',
        replicaCount: 2,
        ingress: { host: 'mywebserver.staging.kubesandclouds.com' },
      },
    },
  ],
});
