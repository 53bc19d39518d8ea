import { defineEnvironment } from 'helmflux';
import { helmbasics } from '../common/charts';

export default defineEnvironment({
  namespace: { name: 'develop' },
  releases: [
    {
      name: 'helmbasic-develop',
      releaseName: 'helmbasic-develop',
      chart: helmbasics('develop'),
      flux: { automated: true },
      values: {
        environment: 'development',
        replicaCount: 1,
        ingress: { host: 'mywebserver.dev.kubesandclouds.com' },
      },
    },
  ],
});
