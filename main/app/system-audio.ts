import { MicrophoneSupervisor } from '../engine/audio/microphone-supervisor.ts';
import { findMicrophone } from '../engine/audio/system-input.ts';
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
      const mic = new MicrophoneSupervisor(recorder, {
        onFrame: (samples) => hub.pushFrame(MIC_SOURCE, samples),
        failed: ({ code, message }, retryInMs) => {
          hub.endSource(MIC_SOURCE);
          logger.error({ code, retry_in_ms: retryInMs }, `the system microphone stopped: ${message}; restarting in ${retryInMs} ms`);
          runtime.bus.emit('AUDIO_ERROR', { source: MIC_SOURCE, code, message, retry_in_ms: retryInMs }, 'audio');
        },
        recovered: (restarts) => {
          logger.info(`the system microphone is back (${recorder.name}, restart ${restarts})`);
          runtime.bus.emit('AUDIO_RECOVERED', { source: MIC_SOURCE, recorder: recorder.name, restarts }, 'audio');
        },
      });
      mic.start();
      runtime.systemMicrophone = () => mic.status;
      stops.push(async () => {
        runtime.systemMicrophone = null;
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
