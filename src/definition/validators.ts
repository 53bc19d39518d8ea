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

export const validators: V1Validators & V2Validators = {
  ...v1,
  get helmReleaseV2() {
    return fluxV2().helmReleaseV2;
  },
  get gitRepository() {
    return fluxV2().gitRepository;
  },
  get helmRepository() {
    return fluxV2().helmRepository;
  },
  get imageRepository() {
    return fluxV2().imageRepository;
  },
  get imagePolicy() {
    return fluxV2().imagePolicy;
  },
  get imageUpdateAutomation() {
    return fluxV2().imageUpdateAutomation;
  },
};
