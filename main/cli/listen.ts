import { KiwiRuntime } from '../app/runtime.ts';
import { leadIn } from '../engine/audio/lead-in.ts';
import { readWav16k } from '../engine/audio/wav.ts';
import { WavFileSink } from '../engine/audio/wav-sink.ts';
import type { TurnResult } from '../engine/listening/turn.ts';
import { KiwiError } from '../platform/errors.ts';
import { createLogger } from '../platform/logger.ts';
import { checkOutputFile, parseFlags, UsageError, type CliCommand } from './command.ts';

const CHUNK = 1600; // 100 ms, as a microphone would deliver it

export const listenCommand: CliCommand = {
  name: 'listen',
  summary: 'Feed a WAV file through the listening pipeline, as if it came from the microphone',
  usage: [
    'Usage: kiwi listen [--input] cmd.wav [-o|--output reply.wav] [--json]',
    '',
    'Runs the same pipeline as the microphone (VAD, wake word, speech recognition, speaker',
    'identification, the answer and its speech) over the file and prints one line per utterance;',
    'with --json: {"wake","transcript","language","speaker","command","reply","timings_ms"}',
    '(and "ignored" with the reason when Kiwi did not act on it). --output writes what Kiwi said.',
    'KIWI_DATA_DIR, KIWI_CONFIG and KIWI_MODELS_DIR apply as for the server.',
  ].join('\n'),
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      input: { type: 'string' },
      output: { type: 'string', short: 'o' },
      json: { type: 'boolean', default: false },
    });
    // `kiwi listen cmd.wav` is what people type first: the file may be named without --input.
    if (positionals.length > 1 || (values.input && positionals.length > 0)) throw new UsageError(`one input file, please (got ${[values.input, ...positionals].filter(Boolean).join(', ')})`);
    const file = values.input ?? positionals[0];
    if (!file) throw new UsageError('name the WAV file to listen to: kiwi listen cmd.wav (or --input cmd.wav)');
    const input = await readWav16k(file);
    if (input.samples.length === 0) throw new KiwiError('no_audio', `${file} holds no audio (a WAV header and no samples)`, 400);
    if (values.output) await checkOutputFile(values.output);
    const runtime = await KiwiRuntime.create({ logger: createLogger(process.env, 2) });
    const output = values.output ? new WavFileSink(values.output) : null;
    try {
      if (output) runtime.hub.addSink(output);
      const results: TurnResult[] = [];
      const off = runtime.engine.onResult((result) => {
        results.push(result);
        console.log(values.json ? JSON.stringify(result) : describe(result));
      });
      const session = runtime.engine.listen('cli:file', { awaitTurns: true });
      await session.push(leadIn()); // the file may start on the wake word
      for (let at = 0; at < input.samples.length; at += CHUNK) await session.push(input.samples.subarray(at, at + CHUNK));
      await runtime.engine.endSource('cli:file');
      off();
      // Silence, noise or speech too short to be an utterance: say so, rather than print nothing.
      if (results.length === 0) console.error(`kiwi listen: heard no speech in ${file} (${(input.samples.length / input.sampleRate).toFixed(1)} s of audio)`);
      await output?.end();
      return 0;
    } finally {
      await runtime.close();
    }
  },
};

function describe(r: TurnResult): string {
  if (r.ignored) return `(ignored: ${r.ignored})${r.transcript ? ` "${r.transcript}"` : ''}`;
  const who = r.speaker ? `${r.speaker.name} (${r.speaker.confidence.toFixed(2)})` : 'unknown voice';
  return `${who}${r.wake ? ' [wake]' : ''}: "${r.transcript}" → ${r.command ?? 'no command'}${r.reply ? `: "${r.reply}"` : ''}`;
}
