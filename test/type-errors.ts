/**
 * What the editor and `npm run typecheck` reject in environment files. Each
 * `@ts-expect-error` fails the type check if the line below it stops being
 * an error, so these guarantees cannot be lost silently. Nothing here runs:
 * the file is type-checked (`npm run typecheck`) and left out of the build.
 */
import { defineEnvironment, defineSettings } from '../src/api';
import { helmbasics } from '../common/charts/helmbasics';

export function typeErrors(): unknown[] {
  return [
    defineEnvironment({
      namespace: { name: 'mixed' },
      releases: [
        // @ts-expect-error a chart source mixing both kinds: a git chart with a Helm repository chart's version
        { name: 'a', chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'main', version: '1.0.0' } },
        // @ts-expect-error a Helm repository chart with a git chart's ref
        { name: 'b', chart: { repository: 'https://charts.example.com', name: 'web', version: '1.0.0', ref: 'main' } },
      ],
    }),
    defineEnvironment({
      namespace: { name: 'typed' },
      releases: [
        // @ts-expect-error a misspelt value of an imported chart
        helmbasics.release({ name: 'a', ref: 'main', values: { replicaCont: 3 } }),
        // @ts-expect-error a value of the wrong type
        helmbasics.release({ name: 'b', ref: 'main', values: { replicaCount: 'three' } }),
        // @ts-expect-error a value outside the chart's closed set
        helmbasics.release({ name: 'c', ref: 'main', values: { image: { pullPolicy: 'Sometimes' } } }),
        // @ts-expect-error a release of an imported chart takes its ref, not a chart source
        helmbasics.release({ name: 'd', chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'main' } }),
        // null removes a chart default anywhere: no error
        helmbasics.release({ name: 'e', ref: 'main', values: { resources: null, image: { tag: null } } }),
      ],
    }),
    // @ts-expect-error an unknown setting
    defineSettings({ chartsGitUrl: 'git@github.com:org/charts', fluxNamespce: 'fluxcd' }),
  ];
}
