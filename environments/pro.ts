import { defineEnvironment } from 'helmflux';
import { helmbasics } from '../common/charts';

export default defineEnvironment({
  namespace: { name: 'production' },
  releases: [
    {
      name: 'helmbasic-production',
      releaseName: 'helmbasic-production',
      chart: helmbasics('master'),
      flux: { automated: true },
      values: {
        environment: 'production',
        replicaCount: 3,
        ingress: { host: 'mywebserver.pro.kubesandclouds.com' },
      },
    },
  ],
});
