import { ConfigService } from '../config/config-service.ts';
import type { Config } from '../contract/config.ts';
import { LanguageCode } from '../contract/languages.ts';
import { findSpeaker, SystemSpeakerSink } from '../engine/audio/system-output.ts';
import { WavFileSink } from '../engine/audio/wav-sink.ts';
import { loadCatalog } from '../engine/models/catalog.ts';
import { resolveModel } from '../engine/models/resolve.ts';
import { createSystemVoice, TTS_ENGINES, TTS_PROVIDER_ENGINES } from '../engine/stages/tts/index.ts';
import type { Tts } from '../engine/stages.ts';
import { describeError, KiwiError } from '../platform/errors.ts';
import { configPath, modelsDir } from '../platform/paths.ts';
import { abortOnCtrlC, checkOutputFile, parseFlags, UsageError, type CliCommand } from './command.ts';

export const sayCommand: CliCommand = {
  name: 'say',
  summary: 'Speak text with the configured voice, to a WAV file or the speaker',
  usage: [
    'Usage: kiwi say "text" [--output out.wav] [--voice v] [--language xx] [--speed n]',
    '',
    'Synthesizes the text with the configured TTS (tts_provider, tts_voice, tts_speed), falling back',
    'to the system voice when that model is not installed, and writes it to --output or plays it on',
    'the system speaker. Prints {"output","seconds","sample_rate","engine","model","synthesis_ms"},',
    'with "voice" when the model has several (the one that spoke; /api/status lists them) and "note"',
    'when it fell back or --voice is not one of them. KIWI_DATA_DIR, KIWI_CONFIG and KIWI_MODELS_DIR',
    'apply as for the server.',
  ].join('\n'),
  async run(argv) {
    const { values, positionals } = parse(argv);
    const text = positionals.join(' ').trim();
    if (!text) throw new UsageError('the text to say is required');
    const config = (await ConfigService.load(configPath(), process.env)).current;
    const language = values.language === undefined ? config.language : parseLanguage(values.language);
    const speed = values.speed === undefined ? config.tts_speed : parseSpeed(values.speed);
    const voice = values.voice ?? config.tts_voice;
    if (values.output) await checkOutputFile(values.output);

    const { tts, note: fellBack } = await loadTts({ ...config, language });
    const pick = tts.pickVoice?.(voice, language) ?? null;
    const note = [fellBack, pick ? pick.note : singleVoiceNote(tts, values.voice)].filter(Boolean).join('; ');
    const { signal, dispose } = abortOnCtrlC();
    try {
      const started = performance.now();
      const audio = await tts.synthesize(text, { voice, speed, language, signal });
      const synthesisMs = Math.round(performance.now() - started);
      if (audio.samples.length === 0) throw nothingToSay(text, tts);
      if (values.output) {
        const sink = new WavFileSink(values.output);
        await sink.play(audio, signal);
        await sink.end();
      } else {
        const player = await findSpeaker();
        if (!player) throw new KiwiError('speaker_missing', 'No speaker to play on (no player or sound device found); use --output out.wav', 503);
        await new SystemSpeakerSink(player).play(audio, signal);
      }
      console.log(
        JSON.stringify({
          output: values.output ?? 'speaker',
          seconds: Number((audio.samples.length / audio.sampleRate).toFixed(3)),
          sample_rate: audio.sampleRate,
          engine: tts.name,
          model: tts.model,
          synthesis_ms: synthesisMs,
          ...(pick ? { voice: pick.speaking } : {}),
          ...(note ? { note } : {}),
        }),
      );
      return 0;
    } finally {
      dispose();
      tts.dispose();
    }
  },
};

function parse(argv: string[]) {
  return parseFlags(argv, { output: { type: 'string', short: 'o' }, voice: { type: 'string' }, language: { type: 'string' }, speed: { type: 'string' } });
}

/**
 * A --voice given for a voice model that has only one voice (pickVoice: null) cannot be followed;
 * say so rather than speaking in that voice as if the name had been found. "0" is that one voice.
 */
function singleVoiceNote(tts: Tts, asked: string | undefined): string | null {
  if (asked === undefined || !tts.pickVoice || asked.trim() === '' || asked.trim() === '0') return null;
  return `voice '${asked}' is not one of this model's voices: ${tts.model} has a single voice, which spoke`;
}

/** Text the voice reads as nothing (emoji, symbols): an error, not an empty WAV that looks like success. */
function nothingToSay(text: string, tts: Tts): KiwiError {
  return new KiwiError('nothing_to_say', `the ${tts.name} voice found nothing to speak in "${text}": give it words`, 400);
}

function parseLanguage(value: string): Config['language'] {
  const parsed = LanguageCode.safeParse(value);
  if (!parsed.success) throw new UsageError(`--language must be one of ${LanguageCode.options.join(' ')}`);
  return parsed.data;
}

function parseSpeed(value: string): number {
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed < 0.5 || speed > 2) throw new UsageError('--speed must be a number from 0.5 to 2');
  return speed;
}

/** The TTS the engine would build for this config (parts.ts): the provider's model, else the system voice. */
async function loadTts(config: Config): Promise<{ tts: Tts; note?: string }> {
  const ctx = { config, modelsDir: modelsDir() };
  if (config.tts_provider === 'system') return { tts: await createSystemVoice(ctx) };
  try {
    const engine = TTS_PROVIDER_ENGINES[config.tts_provider];
    const model = await resolveModel('tts', 'auto', config.language, { modelsDir: ctx.modelsDir, catalog: await loadCatalog(), engines: [engine] });
    const factory = TTS_ENGINES[model.engine];
    if (!factory) throw new KiwiError('engine_missing', `no adapter for the ${model.engine} engine in this build`, 503);
    return { tts: await factory(model, ctx) };
  } catch (err) {
    const note = `${config.tts_provider} is not usable (${describeError(err)}); speaking with the system voice`;
    return { tts: await createSystemVoice(ctx), note };
  }
}
