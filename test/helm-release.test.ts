import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Chart, Testing } from 'cdk8s';
import type { ReleaseDefinition } from '../src/definition/types';
import { FluxHelmRelease } from '../src/targets/flux-v1/helm-release';

function render(release: ReleaseDefinition, namespace = 'develop'): any {
  const chart = new Chart(new App(), 'test');
  return new FluxHelmRelease(chart, 'Release', { namespace, release }).apiObject.toJson();
}

describe('FluxHelmRelease', () => {
  it('renders a git chart release with its explicit name and the automated annotation', () => {
    // GIVEN the seed's dev release WHEN rendered
    const json = render({
      name: 'helmbasic-develop',
      releaseName: 'helmbasic-develop',
      chart: { git: 'git@github.com:mifonpe/helmflux', path: 'helmbasics', ref: 'develop' },
      flux: { automated: true },
      values: { environment: 'development', replicaCount: 1 },
    });
    // THEN every field is the one given, with no cdk8s hash in the name
    assert.deepEqual(json, {
      apiVersion: 'helm.fluxcd.io/v1',
      kind: 'HelmRelease',
      metadata: { name: 'helmbasic-develop', namespace: 'develop', annotations: { 'fluxcd.io/automated': 'true' } },
      spec: {
        releaseName: 'helmbasic-develop',
        helmVersion: 'v3',
        chart: { git: 'git@github.com:mifonpe/helmflux', path: 'helmbasics', ref: 'develop' },
        values: { environment: 'development', replicaCount: 1 },
      },
    });
  });

  it('renders a Helm repository chart and helmVersion v2 when asked', () => {
    const json = render({ name: 'cache', chart: { repository: 'https://charts.bitnami.com/bitnami', name: 'redis', version: '10.5.7' }, helmVersion: 'v2' });
    assert.deepEqual(json.spec.chart, { repository: 'https://charts.bitnami.com/bitnami', name: 'redis', version: '10.5.7' });
    assert.equal(json.spec.helmVersion, 'v2');
    assert.equal(json.spec.releaseName, undefined, 'the operator derives <namespace>-<name> itself');
  });

  it('keeps null values, which Helm uses to remove a chart default', () => {
    const json = render({
      name: 'web',
      chart: { git: 'git@github.com:a/b', path: 'c', ref: 'main' },
      values: { resources: null, ingress: { annotations: { 'kubernetes.io/ingress.class': null }, tls: [null, { a: null }] } },
    });
    assert.deepEqual(json.spec.values, { resources: null, ingress: { annotations: { 'kubernetes.io/ingress.class': null }, tls: [null, { a: null }] } });
  });

  it('keeps the same objects when cdk8s synthesizes the chart (as `npx cdk8s synth` does)', () => {
    const chart = new Chart(new App(), 'test');
    new FluxHelmRelease(chart, 'Release', {
      namespace: 'develop',
      release: { name: 'web', chart: { git: 'git@github.com:a/b', path: 'c', ref: 'main' }, values: { a: null, 'x.y/z': 1 } },
    });
    const [object] = Testing.synth(chart);
    assert.deepEqual(object.spec.values, { a: null, 'x.y/z': 1 });
    assert.equal(object.metadata.name, 'web');
  });

  it('writes no annotations without flux settings, and merges labels and annotations', () => {
    const plain = render({ name: 'web', chart: { git: 'git@github.com:a/b', path: 'c', ref: 'main' } });
    assert.deepEqual(plain.metadata, { name: 'web', namespace: 'develop' });
    const tagged = render({
      name: 'web',
      chart: { git: 'git@github.com:a/b', path: 'c', ref: 'main' },
      labels: { team: 'web' },
      annotations: { 'example.com/owner': 'web' },
      flux: { automated: true },
    });
    assert.deepEqual(tagged.metadata, {
      name: 'web',
      namespace: 'develop',
      labels: { team: 'web' },
      annotations: { 'example.com/owner': 'web', 'fluxcd.io/automated': 'true' },
    });
  });
});
