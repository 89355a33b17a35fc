#!/usr/bin/env node
import { describeError } from '../platform/errors.ts';
import { exitCodeFor, UsageError, type CliCommand } from './command.ts';
import { serveCommand } from './serve.ts';
import { modelsCommand } from './models.ts';
import { listenCommand } from './listen.ts';
import { sayCommand } from './say.ts';
import { enrollCommand } from './enroll.ts';

/** Every sub-command, in the order `kiwi help` lists them. Adding one = one file + one line here. */
const commands: CliCommand[] = [serveCommand, modelsCommand, listenCommand, sayCommand, enrollCommand];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: kiwi <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `kiwi <command> --help` for a command\'s options.',
  ].join('\n');
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`kiwi: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`kiwi ${name}: ${err.message}\n\n${command.usage}`);
      return 2;
    }
    console.error(`kiwi ${name}: ${describeError(err)}`);
    return exitCodeFor(err);
  }
}

const exitCode = await runCli(process.argv.slice(2));
if (exitCode === 130) {
  // Interrupted: end as Ctrl-C ends a program, by the signal itself (the shell shows 130). process.exit
  // would first wait for a native call still running on libuv's thread pool (an ONNX synthesis: seconds).
  process.removeAllListeners('SIGINT');
  process.kill(process.pid, 'SIGINT');
}
// `serve` keeps running until a signal; its run() resolves only when the server has closed.
process.exitCode = exitCode;
