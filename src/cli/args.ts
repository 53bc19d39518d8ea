/** Flags every command takes (yargs `global` options). */
export interface GlobalArgs {
  environments?: string;
}
