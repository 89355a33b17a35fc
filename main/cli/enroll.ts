import fsp from 'node:fs/promises';
import path from 'node:path';
import { ConfigService } from '../config/config-service.ts';
import { EnrollPriority, SpeakerId } from '../contract/api.ts';
import type { Config } from '../contract/config.ts';
import { EventBus } from '../engine/events/event-bus.ts';
import { loadCatalog } from '../engine/models/catalog.ts';
import { resolveModel } from '../engine/models/resolve.ts';
import { SPEAKER_ENGINES } from '../engine/stages/speaker/index.ts';
import type { Pcm, SpeakerEmbedder } from '../engine/stages.ts';
import { describeError, KiwiError } from '../platform/errors.ts';
import { configPath, dataDir, modelsDir } from '../platform/paths.ts';
import { decodeClip } from '../speakers/identification/audio-prep.ts';
import { Enrollment, MAX_CLIPS } from '../speakers/identification/enrollment.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { parseFlags, UsageError, type CliCommand } from './command.ts';

export const enrollCommand: CliCommand = {
  name: 'enroll',
  summary: 'Enrol a speaker from WAV recordings of their voice (or add recordings to one)',
  usage: [
    'Usage: kiwi enroll --name Anna [--priority owner|friend|guest|blocked] --input a.wav [--input b.wav ...]',
    '       kiwi enroll --speaker spk_001 --input c.wav [--input ...]      (add recordings to a profile)',
    '',
    `1 to ${MAX_CLIPS} WAV files of one voice, each with at least 1 s of speech and at most 30 s long.`,
    'The default priority is guest; owner only when asked and only if there is no owner yet.',
    'Prints the speaker as JSON. Uses the speaker model from config (voice.speaker_model); the',
    'speaker database is the one the server uses. KIWI_DATA_DIR, KIWI_CONFIG and KIWI_MODELS_DIR apply.',
  ].join('\n'),
  async run(argv) {
    const values = parse(argv);
    const inputs = values.input ?? [];
    if (inputs.length === 0) throw new UsageError('give at least one --input <file.wav>');
    if (inputs.length > MAX_CLIPS) throw new UsageError(`at most ${MAX_CLIPS} --input files`);
    if (values.speaker === undefined && values.name === undefined) throw new UsageError('--name is required (or --speaker <id> to add recordings)');
    if (values.speaker !== undefined && (values.name !== undefined || values.priority !== undefined)) {
      throw new UsageError('--speaker adds recordings to an existing profile: leave out --name and --priority (use PATCH /api/speakers/{id} to change them)');
    }
    const speakerId = values.speaker === undefined ? undefined : checked(SpeakerId, values.speaker, '--speaker');
    const priority = values.priority === undefined ? undefined : checked(EnrollPriority, /^\d+$/.test(values.priority) ? Number(values.priority) : values.priority, '--priority');

    const clips = await Promise.all(inputs.map(readClip));
    const config = (await ConfigService.load(configPath(), process.env)).current;
    const embedder = await loadSpeakerModel(config);
    const store = openSqliteStore(path.join(dataDir(), 'kiwi.db'));
    try {
      const enrollment = new Enrollment({ store, bus: new EventBus(), config: () => config, embedder: () => embedder });
      const speaker =
        speakerId === undefined
          ? await enrollment.enrol({ name: values.name!, priority, clips, labels: inputs }).catch((err: unknown) => {
              throw withCliAdvice(err);
            })
          : await enrollment.addSamples(speakerId, clips, undefined, inputs);
      console.log(JSON.stringify(speaker));
      return 0;
    } finally {
      embedder.dispose();
      store.close();
    }
  },
};

/** A profile that exists already (same name or same voice): say how to add these recordings to it from here. */
function withCliAdvice(err: unknown): unknown {
  const id = err instanceof KiwiError ? (err.details as { speaker_id?: string } | undefined)?.speaker_id : undefined;
  if (!(err instanceof KiwiError) || !id) return err;
  return new KiwiError(err.code, `${err.message}: kiwi enroll --speaker ${id} --input …`, err.status, err.details);
}

function parse(argv: string[]) {
  const options = { name: { type: 'string' }, priority: { type: 'string' }, input: { type: 'string', multiple: true }, speaker: { type: 'string' } } as const;
  return parseFlags(argv, options, { positionals: false }).values;
}

function checked<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, value: unknown, flag: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`${flag}: '${String(value)}' is not valid`);
  return result.data;
}

async function readClip(file: string): Promise<Pcm> {
  const bytes = await fsp.readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new KiwiError('file_unreadable', `cannot read ${file}: ${err.code ?? err.message}`, 400);
  });
  return decodeClip(bytes, file);
}

/** The speaker model the engine would load for this config (same resolution, same adapters). */
async function loadSpeakerModel(config: Config): Promise<SpeakerEmbedder> {
  const modelsFolder = modelsDir();
  try {
    const model = await resolveModel('speaker', config.voice.speaker_model, config.language, {
      modelsDir: modelsFolder,
      catalog: await loadCatalog(),
      engines: Object.keys(SPEAKER_ENGINES),
    });
    return await SPEAKER_ENGINES[model.engine]!(model, { config, modelsDir: modelsFolder });
  } catch (err) {
    throw new KiwiError('speaker_unavailable', `Cannot enrol a voice: ${describeError(err)}`, 503);
  }
}
