/**
 * Settings shared by every environment of this repository, defined once here
 * and imported by the environment files (`import { settings } from 'helmflux'`).
 */
export const settings = {
  /**
   * The git repository the charts of this repository's releases come from
   * (the Helm operator clones it with Flux's deploy key).
   */
  chartsGitUrl: 'git@github.com:mifonpe/helmflux',

  /**
   * The namespace Flux and the Helm operator run in (`kubectl create namespace fluxcd`
   * in the seed). No environment may use it.
   */
  fluxNamespace: 'fluxcd',
} as const;
