import { defineEnvironment, settings } from 'helmflux';

export default defineEnvironment({
  namespace: { name: 'production' },
  releases: [
    {
      name: 'helmbasic-production',
      releaseName: 'helmbasic-production',
      chart: { git: settings.chartsGitUrl, path: 'helmbasics', ref: 'master' },
      flux: { automated: true },
      values: {
        environment: 'production',
        replicaCount: 3,
        ingress: { host: 'mywebserver.pro.kubesandclouds.com' },
      },
    },
  ],
});
