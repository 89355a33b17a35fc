import { MicrophoneSupervisor } from '../engine/audio/microphone-supervisor.ts';
import { parseDeviceId } from '../engine/audio/devices.ts';
import { findMicrophone } from '../engine/audio/system-input.ts';
import { findSpeaker, SystemSpeakerSink } from '../engine/audio/system-output.ts';
import type { KiwiRuntime } from './runtime.ts';

const MIC_SOURCE = 'system:microphone';

/**
 * The computer's own microphone and speaker for the headless server, per config `audio`:
 * `system` insists (a missing device is an error in the log), `auto` uses what exists (a
 * server without a sound card stays silent), `none` leaves audio to browsers and the desktop,
 * and a device id (GET /api/audio/devices) insists on that device.
 * Returns a function that stops both.
 */
export async function attachSystemAudio(runtime: KiwiRuntime): Promise<() => Promise<void>> {
  const { audio } = runtime.config.current;
  const { logger, hub } = runtime;
  const stops: Array<() => Promise<void> | void> = [];

  const outputDevice = parseDeviceId(audio.output) ?? undefined;
  const inputDevice = parseDeviceId(audio.input) ?? undefined;
  if (audio.output !== 'none') {
    const player = await findSpeaker({ device: outputDevice, env: runtime.soundEnv });
    if (player) {
      stops.push(hub.addSink(new SystemSpeakerSink(player)));
      logger.info(`speaking through the system speaker (${player.name}${outputDevice ? `, ${audio.output}` : ''})`);
    } else if (audio.output !== 'auto') {
      logger.error(`audio.output is ${audio.output}, but no sound player that can open it was found (Linux: paplay, pw-play, aplay or sox)`);
    }
  }

  if (audio.input !== 'none') {
    const recorder = await findMicrophone({ device: inputDevice, env: runtime.soundEnv });
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
      logger.info(`listening on the system microphone (${recorder.name}${inputDevice ? `, ${audio.input}` : ''})`);
    } else if (audio.input !== 'auto') {
      logger.error(`audio.input is ${audio.input}, but no recorder that can open it was found (Linux: parec, arecord or sox rec)`);
    }
  }
  return async () => {
    for (const stop of stops) await stop();
  };
}

/**
 * The system microphone and speaker, attached now and again whenever audio.input or
 * audio.output changes (the Settings pickers), one change after another. Returns the stop.
 */
export async function followSystemAudio(runtime: KiwiRuntime): Promise<() => Promise<void>> {
  let detach = await attachSystemAudio(runtime);
  let chain = Promise.resolve();
  let stopped = false;
  const unsubscribe = runtime.config.onChange((_config, _updated, changed) => {
    if (!changed.some((key) => key === 'audio.input' || key === 'audio.output')) return;
    chain = chain.then(async () => {
      if (stopped) return;
      await detach();
      detach = await attachSystemAudio(runtime);
    }).catch((err: unknown) => runtime.logger.error({ err }, 'switching the system microphone or speaker failed'));
  });
  return async () => {
    stopped = true;
    unsubscribe();
    await chain;
    await detach();
  };
}
