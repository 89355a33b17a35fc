/** One `kiwi <name>` sub-command. `run` resolves to the process exit code. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** Thrown for wrong arguments: the CLI prints the message and the command's usage, exit 2. */
export class UsageError extends Error {}
