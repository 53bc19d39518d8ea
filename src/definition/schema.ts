/**
 * The JSON schema of an environment definition (`EnvironmentDefinition` in
 * `types.ts`), precompiled with ajv at build time
 * (`scripts/compile-schemas.js`). It is strict: an unknown field is an error,
 * since the generated HelmRelease class would silently drop it.
 *
 * `x-fix` is the hint printed after an error of that field. Checks that need
 * more than one field (chart source kind, uniqueness, lengths of derived
 * names) live in `validate.ts`.
 */

export const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const HELM_RELEASE_NAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const QUALIFIED_KEY =
  '^(?![^/]{254,}/)([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
const LABEL_VALUE = '^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$';
const KEY_FIX =
  'Use an optional DNS subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit, e.g. "app.kubernetes.io/part-of".';

const labels = {
  type: 'object',
  propertyNames: { type: 'string', maxLength: 317, pattern: QUALIFIED_KEY, 'x-fix': KEY_FIX },
  additionalProperties: {
    type: 'string',
    maxLength: 63,
    pattern: LABEL_VALUE,
    'x-fix': 'Use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit (or an empty string).',
  },
};

const annotations = {
  type: 'object',
  propertyNames: { type: 'string', maxLength: 317, pattern: QUALIFIED_KEY, 'x-fix': KEY_FIX },
  additionalProperties: { type: 'string', 'x-fix': 'Annotation values are strings: quote numbers and booleans, e.g. "true".' },
};

const boolean = { type: 'boolean', 'x-fix': 'Use true or false.' };
const seconds = { type: 'integer', minimum: 0, 'x-fix': 'Use a whole number of seconds, e.g. 300.' };
/** The name of a ConfigMap or Secret: a DNS subdomain. */
const resourceName = (what: string) => ({
  type: 'string',
  maxLength: 253,
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  'x-fix': `Use the name of the ${what}.`,
});
const namespaceName = { type: 'string', maxLength: 63, pattern: DNS_LABEL, 'x-fix': 'Use a namespace name.' };
const keyReference = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: resourceName('ConfigMap or Secret'),
    namespace: namespaceName,
    key: { type: 'string', minLength: 1, pattern: '^[-._a-zA-Z0-9]+$', 'x-fix': 'Use a key of the ConfigMap or Secret, e.g. "values.yaml".' },
    optional: boolean,
  },
};
const secretRef = { type: 'object', required: ['name'], additionalProperties: false, properties: { name: resourceName('Secret'), namespace: namespaceName } };

const nonEmptyToken = (fix: string) => ({ type: 'string', minLength: 1, pattern: '^\\S+$', 'x-fix': fix });

export const environmentSchema = {
  $id: 'helmflux:environment',
  type: 'object',
  required: ['namespace'],
  additionalProperties: false,
  properties: {
    namespace: {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: {
        name: {
          type: 'string',
          maxLength: 63,
          pattern: DNS_LABEL,
          'x-fix': 'Use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit, e.g. "develop".',
        },
        labels,
        annotations,
      },
    },
    releases: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'chart'],
        additionalProperties: false,
        properties: {
          name: {
            type: 'string',
            maxLength: 63,
            pattern: DNS_LABEL,
            'x-fix': 'Use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit, e.g. "web".',
          },
          releaseName: {
            type: 'string',
            maxLength: 53,
            pattern: HELM_RELEASE_NAME,
            'x-fix': 'Helm release names are at most 53 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit.',
          },
          chart: {
            type: 'object',
            additionalProperties: false,
            properties: {
              git: {
                type: 'string',
                pattern: '^(([A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\\s:]\\S*)|((ssh|git|https?)://\\S+))$',
                'x-fix': 'Use an SSH or URL form, e.g. "git@github.com:org/repo" or "https://github.com/org/repo".',
              },
              path: {
                type: 'string',
                minLength: 1,
                pattern: '^(?!/)(?!.*(^|/)\\.\\.(/|$))\\S+$',
                'x-fix': 'Use the chart folder relative to the repository root, e.g. "charts/web" (no leading "/", no "..").',
              },
              ref: nonEmptyToken('Use a branch, tag or commit, e.g. "master".'),
              repository: {
                type: 'string',
                pattern: '^https?://[^\\s/]+\\S*$',
                'x-fix': 'Use the http(s) URL of the Helm repository, e.g. "https://charts.bitnami.com/bitnami".',
              },
              name: {
                type: 'string',
                minLength: 1,
                pattern: '^[A-Za-z0-9][-A-Za-z0-9_.]*$',
                'x-fix': 'Use the chart name as the repository lists it, without the repository alias, e.g. "redis".',
              },
              version: nonEmptyToken('Pin the exact chart version, e.g. "10.5.7".'),
              skipDepUpdate: { type: 'boolean', 'x-fix': 'Use true or false.' },
              secretRef: secretRef,
            },
          },
          values: { type: 'object', 'x-fix': 'Values are a mapping of keys to JSON data, e.g. { replicaCount: 2 }.' },
          renderValues: { type: 'object', 'x-fix': 'Placeholders for what valuesFrom ConfigMaps and Secrets hold, as a mapping, e.g. { auth: { password: "placeholder" } }.' },
          notSecret: {
            type: 'array',
            items: { type: 'string', minLength: 1, 'x-fix': 'Give a path under values as helmflux writes it, e.g. "auth.tokenName".' },
            'x-fix': 'List paths under values, e.g. ["auth.tokenName"].',
          },
          imported: {
            type: 'object',
            required: ['name', 'schema'],
            additionalProperties: false,
            'x-fix': "Make the release with the chart's release() (common/charts/<name>/index.ts), not by hand.",
            properties: {
              name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', 'x-fix': 'Use the name the chart was imported as, e.g. "helmbasics".' },
              schema: { type: ['object', 'boolean'], 'x-fix': "Import the chart's values.schema.json: import schema from './values.schema.json'." },
              sharedValues: { type: 'object', 'x-fix': 'Shared values are a mapping of keys to JSON data, e.g. { replicaCount: 2 }.' },
            },
          },
          helmVersion: { type: 'string', enum: ['v2', 'v3'], 'x-fix': 'Use "v3" (or "v2" for a Tiller-based cluster), or leave it out for "v3".' },
          valuesFrom: {
            type: 'array',
            items: {
              type: 'object',
              minProperties: 1,
              maxProperties: 1,
              additionalProperties: false,
              'x-fix': 'Give exactly one of configMapKeyRef, secretKeyRef, externalSourceRef or chartFileRef in each entry.',
              properties: {
                configMapKeyRef: keyReference,
                secretKeyRef: keyReference,
                externalSourceRef: {
                  type: 'object',
                  required: ['url'],
                  additionalProperties: false,
                  properties: { url: { type: 'string', pattern: '^https?://\\S+$', 'x-fix': 'Use the http(s) URL of a values file.' }, optional: boolean },
                },
                chartFileRef: {
                  type: 'object',
                  required: ['path'],
                  additionalProperties: false,
                  properties: { path: { type: 'string', minLength: 1, 'x-fix': 'Use a values file of the chart, e.g. "values-prod.yaml".' }, optional: boolean },
                },
              },
            },
          },
          wait: boolean,
          timeout: seconds,
          resetValues: boolean,
          forceUpgrade: boolean,
          skipCRDs: boolean,
          maxHistory: { type: 'integer', minimum: 0, 'x-fix': 'Use a whole number of revisions, e.g. 10.' },
          rollback: {
            type: 'object',
            additionalProperties: false,
            properties: {
              enable: boolean,
              force: boolean,
              recreate: boolean,
              disableHooks: boolean,
              timeout: seconds,
              wait: boolean,
              retry: boolean,
              maxRetries: { type: 'integer', minimum: 0, 'x-fix': 'Use a whole number, e.g. 5.' },
            },
          },
          targetNamespace: {
            type: 'string',
            maxLength: 63,
            pattern: DNS_LABEL,
            'x-fix': 'Use a namespace name: at most 63 lowercase letters, digits and "-".',
          },
          test: { type: 'object', additionalProperties: false, properties: { enable: boolean, timeout: seconds, cleanup: boolean } },
          disableOpenAPIValidation: boolean,
          flux: {
            type: 'object',
            additionalProperties: false,
            properties: {
              automated: { type: 'boolean', 'x-fix': 'Use true or false.' },
              locked: { type: 'boolean', 'x-fix': 'Use true or false.' },
              lockedMessage: { type: 'string', 'x-fix': 'Say why the release is locked, as a string.' },
              lockedUser: { type: 'string', 'x-fix': 'Name who locked the release, as a string.' },
              ignore: { type: 'boolean', 'x-fix': 'Use true or false.' },
              containers: {
                type: 'object',
                propertyNames: {
                  type: 'string',
                  maxLength: 63,
                  pattern: '^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$',
                  'x-fix': 'Use the container name Flux uses: chart-image, or a top-level values key (letters, digits, "-", "_", ".").',
                },
                additionalProperties: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    filter: {
                      type: 'string',
                      pattern: '^(glob|semver|regex|regexp):',
                      'x-fix': 'Write the filter as Flux does: glob:<pattern>, semver:<constraint>, regex:<pattern> or regexp:<pattern>, e.g. "glob:v*".',
                    },
                    repository: { type: 'string', minLength: 1, pattern: '^[^.\\s]+(\\.[^.\\s]+)*$', 'x-fix': 'Use a dot path under values, e.g. "app.image.repository".' },
                    tag: { type: 'string', minLength: 1, pattern: '^[^.\\s]+(\\.[^.\\s]+)*$', 'x-fix': 'Use a dot path under values, e.g. "app.image.tag".' },
                    registry: { type: 'string', minLength: 1, pattern: '^[^.\\s]+(\\.[^.\\s]+)*$', 'x-fix': 'Use a dot path under values, e.g. "app.image.registry".' },
                  },
                },
              },
            },
          },
          labels,
          annotations,
        },
      },
    },
  },
} as const;
