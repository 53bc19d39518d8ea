/**
 * The rest of the helm.fluxcd.io/v1 HelmRelease spec: typed in the
 * definition, written under the CRD's own names, valid against the strict
 * copy of the upstream CRD, and refused with a clear message when wrong.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as YAML from 'yaml';
import { environmentSource, runCli, tempProject } from './helpers';

const git = { git: 'git@github.com:org/charts', path: 'charts/web', ref: 'main' };
const repo = { repository: 'https://charts.example.com', name: 'redis', version: '10.5.7' };

describe('the rest of the HelmRelease spec', () => {
  it('renders every field under the CRD\'s names, valid against the strict CRD', () => {
    const project = tempProject({
      'dev.ts': environmentSource({
        namespace: { name: 'develop' },
        releases: [
          {
            name: 'web',
            chart: { ...git, skipDepUpdate: true },
            valuesFrom: [
              { configMapKeyRef: { name: 'web-defaults', key: 'values.yaml', optional: true } },
              { secretKeyRef: { name: 'web-credentials', namespace: 'develop' } },
              { externalSourceRef: { url: 'https://config.example.com/web.yaml' } },
              { chartFileRef: { path: 'values-dev.yaml' } },
            ],
            wait: true,
            timeout: 600,
            resetValues: true,
            forceUpgrade: false,
            skipCRDs: true,
            maxHistory: 5,
            rollback: { enable: true, retry: true, maxRetries: 3, timeout: 120 },
            targetNamespace: 'develop-apps',
            test: { enable: true, cleanup: false },
            disableOpenAPIValidation: true,
          },
          { name: 'cache', chart: { ...repo, secretRef: { name: 'repo-auth' } } },
        ],
      }),
    });
    const result = runCli(['synth'], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    const [web, cache] = YAML.parseAllDocuments(fs.readFileSync(path.join(project.dist, 'releases', 'dev.yaml'), 'utf8')).map((d) => d.toJS());
    assert.deepEqual(web.spec, {
      chart: { ...git, skipDepUpdate: true },
      disableOpenAPIValidation: true,
      forceUpgrade: false,
      helmVersion: 'v3',
      maxHistory: 5,
      resetValues: true,
      rollback: { enable: true, maxRetries: 3, retry: true, timeout: 120 },
      skipCRDs: true,
      targetNamespace: 'develop-apps',
      test: { cleanup: false, enable: true },
      timeout: 600,
      valuesFrom: [
        { configMapKeyRef: { key: 'values.yaml', name: 'web-defaults', optional: true } },
        { secretKeyRef: { name: 'web-credentials', namespace: 'develop' } },
        { externalSourceRef: { url: 'https://config.example.com/web.yaml' } },
        { chartFileRef: { path: 'values-dev.yaml' } },
      ],
      wait: true,
    });
    assert.deepEqual(cache.spec.chart, { ...repo, secretRef: { name: 'repo-auth' } });
    // Written in the documented key order: releaseName, chart, the rest sorted, values last.
    const text = fs.readFileSync(path.join(project.dist, 'releases', 'dev.yaml'), 'utf8');
    assert.ok(text.indexOf('  chart:') < text.indexOf('  disableOpenAPIValidation:') && text.indexOf('  valuesFrom:') < text.indexOf('  wait:'));
  });

  it('refuses what the operator would not take, naming the field', () => {
    const project = tempProject({
      'dev.ts': environmentSource({
        namespace: { name: 'develop' },
        releases: [
          {
            name: 'web',
            chart: { ...git, secretRef: { name: 'x' } },
            valuesFrom: [{ configMapKeyRef: { name: 'a' }, secretKeyRef: { name: 'b' } }, {}],
            timeout: -1,
            maxHistory: 1.5,
            targetNamespace: 'Apps',
          },
        ],
      }),
    });
    const result = runCli(['validate'], { cwd: project.root });
    assert.equal(result.status, 2);
    for (const line of [
      'environments/dev.ts: releases[0].valuesFrom[0]: an object is not valid. Give exactly one of configMapKeyRef, secretKeyRef, externalSourceRef or chartFileRef in each entry.',
      'environments/dev.ts: releases[0].timeout: the number -1 is not valid. Use a whole number of seconds, e.g. 300.',
      'environments/dev.ts: releases[0].maxHistory: must be an integer (got the number 1.5). Use a whole number of revisions, e.g. 10.',
      'environments/dev.ts: releases[0].targetNamespace: "Apps" is not valid. Use a namespace name: at most 63 lowercase letters, digits and "-".',
    ]) {
      assert.ok(result.stderr.includes(line), `${line}\nin:\n${result.stderr}`);
    }
    const chart = tempProject({ 'dev.ts': environmentSource({ namespace: { name: 'develop' }, releases: [{ name: 'web', chart: { ...git, secretRef: { name: 'x' } } }] }) });
    const chartResult = runCli(['validate'], { cwd: chart.root });
    assert.match(chartResult.stderr, /^environments\/dev\.ts: releases\[0\]\.chart\.secretRef: does not apply to a git chart\. /m);
  });
});
