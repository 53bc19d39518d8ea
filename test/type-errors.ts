/**
 * What the editor and `npm run typecheck` reject in environment files. Each
 * `@ts-expect-error` fails the type check if the line below it stops being
 * an error, so these guarantees cannot be lost silently. Nothing here runs.
 */
import { defineEnvironment, defineSettings } from '../src/api';

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
    // @ts-expect-error an unknown setting
    defineSettings({ chartsGitUrl: 'git@github.com:org/charts', fluxNamespce: 'fluxcd' }),
  ];
}
