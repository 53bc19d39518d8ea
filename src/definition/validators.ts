/**
 * The precompiled schema validators (built by `scripts/compile-schemas.js`
 * into `lib/validators/`): the environment definition schema and strict
 * copies of the upstream HelmRelease CRD and Namespace schemas, and of the
 * pinned Flux v2 CRDs.
 */
import * as path from 'node:path';

/** An ajv error, as the standalone validators report it. */
export interface SchemaError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: object;
  readonly message?: string;
  readonly propertyName?: string;
}

/** A precompiled validator: returns whether data is valid; errors of the last call on `.errors`. */
export interface Validator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

/** This file is lib/src/definition/validators.js once built; the validators sit in lib/validators/. */
const DIR = path.join(__dirname, '..', '..', 'validators');

interface V1Validators {
  readonly environment: Validator;
  readonly helmRelease: Validator;
  readonly namespace: Validator;
}

interface V2Validators {
  readonly helmReleaseV2: Validator;
  readonly gitRepository: Validator;
  readonly helmRepository: Validator;
  readonly imageRepository: Validator;
  readonly imagePolicy: Validator;
  readonly imageUpdateAutomation: Validator;
}

const v1 = require(path.join(DIR, 'index.js')) as V1Validators;
let v2: V2Validators | undefined;
/** The Flux v2 CRDs' validators are most of the compiled code: loaded on first use, by a v2 target only. */
const fluxV2 = (): V2Validators => (v2 ??= require(path.join(DIR, 'flux-v2.js')) as V2Validators);

/** Every validator: v1's loaded with this module, v2's on first use of any of them. */
export const validators = { ...v1 } as V1Validators & V2Validators;
for (const name of ['helmReleaseV2', 'gitRepository', 'helmRepository', 'imageRepository', 'imagePolicy', 'imageUpdateAutomation'] as const) {
  Object.defineProperty(validators, name, { enumerable: true, get: () => fluxV2()[name] });
}
