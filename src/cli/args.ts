/** Flags every command takes (yargs `global` options). */
export interface GlobalArgs {
  environments?: string;
}

/** `--flux v1|v2`: the Flux to write for, over the settings (synth, check, diff, validate). */
export const FLUX_OPTION = {
  type: 'string',
  choices: ['v1', 'v2'],
  requiresArg: true,
  describe: "The Flux to write for: v1 (the Helm operator's HelmReleases) or v2 (the Flux v2 toolkit)",
  defaultDescription: "the settings' flux, else v1",
} as const;
