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
export const validators = require(path.join(__dirname, '..', '..', 'validators')) as {
  readonly environment: Validator;
  readonly helmRelease: Validator;
  readonly namespace: Validator;
  readonly helmReleaseV2: Validator;
  readonly gitRepository: Validator;
  readonly helmRepository: Validator;
  readonly imageRepository: Validator;
  readonly imagePolicy: Validator;
  readonly imageUpdateAutomation: Validator;
};
