import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Chart } from 'cdk8s';
import { EnvironmentNamespace } from '../src/targets/flux-v1/namespace';

describe('EnvironmentNamespace', () => {
  it('renders a Namespace with its explicit name and no empty spec', () => {
    const chart = new Chart(new App(), 'test');
    const json = new EnvironmentNamespace(chart, 'Namespace', { name: 'develop' }).apiObject.toJson();
    assert.deepEqual(json, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'develop' } });
  });

  it('carries labels and annotations', () => {
    const chart = new Chart(new App(), 'test');
    const json = new EnvironmentNamespace(chart, 'Namespace', {
      name: 'staging',
      labels: { 'app.kubernetes.io/part-of': 'web' },
      annotations: { owner: 'platform team' },
    }).apiObject.toJson();
    assert.deepEqual(json.metadata, { name: 'staging', labels: { 'app.kubernetes.io/part-of': 'web' }, annotations: { owner: 'platform team' } });
    assert.equal('spec' in json, false);
  });
});
