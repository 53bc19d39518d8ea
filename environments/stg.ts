import { defineEnvironment, settings } from 'helmflux';

export default defineEnvironment({
  namespace: { name: 'staging' },
  releases: [
    {
      name: 'helmbasic-staging',
      releaseName: 'helmbasic-staging',
      chart: { git: settings.chartsGitUrl, path: 'helmbasics', ref: 'staging' },
      flux: { automated: true },
      values: {
        environment: 'staging',
        replicaCount: 2,
        ingress: { host: 'mywebserver.staging.kubesandclouds.com' },
      },
    },
  ],
});
