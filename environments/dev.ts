import { defineEnvironment, settings } from 'helmflux';

export default defineEnvironment({
  namespace: { name: 'develop' },
  releases: [
    {
      name: 'helmbasic-develop',
      releaseName: 'helmbasic-develop',
      chart: { git: settings.chartsGitUrl, path: 'helmbasics', ref: 'develop' },
      flux: { automated: true },
      values: {
        environment: 'development',
        replicaCount: 1,
        ingress: { host: 'mywebserver.dev.kubesandclouds.com' },
      },
    },
  ],
});
