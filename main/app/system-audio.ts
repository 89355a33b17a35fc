import { findMicrophone, SystemMicrophone } from '../engine/audio/system-input.ts';
import { findSpeaker, SystemSpeakerSink } from '../engine/audio/system-output.ts';
import type { KiwiRuntime } from './runtime.ts';

const MIC_SOURCE = 'system:microphone';

/**
 * The computer's own microphone and speaker for the headless server, per config `audio`:
 * `system` insists (a missing device is an error in the log), `auto` uses what exists (a
 * server without a sound card stays silent), `none` leaves audio to browsers and the desktop.
 * Returns a function that stops both.
 */
export async function attachSystemAudio(runtime: KiwiRuntime): Promise<() => Promise<void>> {
  const { audio } = runtime.config.current;
  const { logger, hub } = runtime;
  const stops: Array<() => Promise<void> | void> = [];

  if (audio.output !== 'none') {
    const player = await findSpeaker();
    if (player) {
      stops.push(hub.addSink(new SystemSpeakerSink(player)));
      logger.info(`speaking through the system speaker (${player.name})`);
    } else if (audio.output === 'system') {
      logger.error('audio.output is system, but no sound player or output device was found (Linux: paplay, pw-play, aplay or sox)');
    }
  }

  if (audio.input !== 'none') {
    const recorder = await findMicrophone();
    if (recorder) {
      const mic = new SystemMicrophone(recorder, {
        onFrame: (samples) => hub.pushFrame(MIC_SOURCE, samples),
        onEnd: (err) => {
          hub.endSource(MIC_SOURCE);
          if (err) logger.error({ err }, 'the system microphone stopped');
        },
      });
      mic.start();
      stops.push(async () => {
        await mic.stop();
        hub.endSource(MIC_SOURCE);
      });
      logger.info(`listening on the system microphone (${recorder.name})`);
    } else if (audio.input === 'system') {
      logger.error('audio.input is system, but no recorder or capture device was found (Linux: parec, arecord or sox rec)');
    }
  }
  return async () => {
    for (const stop of stops) await stop();
  };
}
