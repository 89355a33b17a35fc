import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * A stand-in for a sound card, which this machine and CI do not have: a `paplay` on PATH that
 * takes raw s16le mono like the real one (`--rate=N` on the command line) and consumes it at
 * real-time pace, so Kiwi's speech lasts as long as it would through a speaker (and Stop has
 * something to cut). PULSE_SERVER makes Kiwi believe a sound server is there.
 * Returns the environment for `kiwi serve`.
 */
export async function pacedSpeakerEnv(dir: string): Promise<Record<string, string>> {
  const bin = path.join(dir, 'bin');
  await fs.mkdir(bin, { recursive: true });
  const script = `#!${process.execPath}
// Stand-in paplay (Kiwi e2e): reads raw s16le mono and lets it "play" at real-time pace.
const rate = Number((process.argv.find((a) => a.startsWith('--rate=')) || '--rate=16000').slice(7));
const start = Date.now();
let bytes = 0;
process.stdin.on('data', (chunk) => {
  bytes += chunk.length;
  const due = (bytes / 2 / rate) * 1000 - (Date.now() - start);
  if (due > 0) {
    process.stdin.pause();
    setTimeout(() => process.stdin.resume(), due);
  }
});
process.stdin.on('end', () => setTimeout(() => process.exit(0), Math.max(0, (bytes / 2 / rate) * 1000 - (Date.now() - start))));
`;
  await fs.writeFile(path.join(bin, 'paplay'), script, { mode: 0o755 });
  return { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, PULSE_SERVER: 'unix:/nonexistent/kiwi-e2e-stand-in' };
}
