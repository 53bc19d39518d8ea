/**
 * What environment files, shared modules (`common/`) and the settings file
 * import as `'helmflux'`. Light (no cdk8s, no file system): it loads on every
 * synth. The loader hands each file these exports plus `settings`, the
 * project's loaded settings; the editor resolves `'helmflux'` to this file
 * (`tsconfig.json`).
 */
import type { Settings } from './definition/settings';

export * from './definition/types';
export { defineSettings, type Settings, type SettingsDefinition } from './definition/settings';

/**
 * The repository settings from `helmflux.settings.ts` at the project root,
 * as environment files see them (frozen). Given by the loader at run time.
 */
export declare const settings: Settings;
