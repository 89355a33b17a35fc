import { VERSION } from '../../platform/version.ts';
import type { WyomingEvent } from './framing.ts';
import type { WyomingStages } from './stages.ts';

/** Kiwi has no public home page to name; Wyoming requires the field. */
const attribution = { name: 'Kiwi', url: '' };

/**
 * `describe` → `info`: what this server can do right now. Only the engine's running (installed)
 * models are listed, because those are the ones a request reaches; Home Assistant builds its
 * language lists from them.
 */
export async function infoEvent(stages: WyomingStages): Promise<WyomingEvent> {
  const models = await stages.models();
  const { wakeWord } = stages.settings();
  const artifact = (name: string, description: string) => ({ name, description, attribution, installed: true, version: VERSION });
  const asr = models.stt
    ? [
        {
          ...artifact('kiwi-stt', 'Kiwi on-device speech recognition'),
          models: [{ ...artifact(models.stt.id, models.stt.id), languages: models.stt.languages }],
          supports_transcript_streaming: false,
        },
      ]
    : [];
  const tts = models.tts
    ? [
        {
          ...artifact('kiwi-tts', 'Kiwi on-device voices'),
          voices: [{ ...artifact(models.tts.id, models.tts.id), languages: models.tts.languages, speakers: models.tts.voices.map((name) => ({ name })) }],
          supports_synthesize_streaming: false,
        },
      ]
    : [];
  const wake = models.wake
    ? [{ ...artifact('kiwi-wake', 'Kiwi wake word'), models: [{ ...artifact(models.wake.id, wakeWord), languages: models.wake.languages, phrase: wakeWord }] }]
    : [];
  return { type: 'info', data: { asr, tts, wake, handle: [], intent: [] } };
}
