import { defineEnvironment, settings } from 'helmflux';

export default defineEnvironment({
  namespace: { name: 'ingress' },
  releases: [
    {
      name: 'nginx-ingress',
      releaseName: 'nginx-ingress',
      chart: { git: settings.chartsGitUrl, path: 'nginx-ingress', ref: 'master' },
      flux: { automated: true },
    },
  ],
});
