import { floatToInt16, levelDb, StreamingResampler } from './resampler.ts';
import { SAMPLE_RATE } from '../../../main/contract/audio.ts';
import { AUDIO_START_MS, within } from './within.ts';

/** Kiwi's engine rate: the browser resamples to it, so the server gets exactly what it runs on. */
export const ENGINE_RATE = SAMPLE_RATE;

export interface Capture {
  /** The rate the browser captures at (before resampling). */
  inputRate: number;
  /** The microphone in use, as the browser names it. */
  label: string;
  stop(): Promise<void>;
}

/** A microphone problem in words a person can act on. */
export class MicrophoneError extends Error {
  constructor(
    readonly code: 'insecure' | 'unsupported' | 'denied' | 'not_found' | 'busy' | 'stalled' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

/** The browser's audio did not start in time: say which step, and what may help. */
export const audioStalled = (step: string) => () =>
  new MicrophoneError('stalled', `The browser's audio did not start within ${AUDIO_START_MS / 1000} s (${step}). Try again; if it keeps happening, restart the browser.`);

export function explainMicrophoneError(err: unknown): MicrophoneError {
  if (err instanceof MicrophoneError) return err;
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new MicrophoneError(
        'denied',
        "Microphone permission was denied. Allow the microphone for this site (the icon in the address bar or the browser's site settings), then try again.",
      );
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new MicrophoneError('not_found', 'No microphone was found. Connect one (or pick it in the system sound settings) and try again.');
    case 'NotReadableError':
    case 'AbortError':
      return new MicrophoneError('busy', 'The microphone could not be opened: another program may be using it.');
    default:
      if (err instanceof DOMException) return new MicrophoneError('failed', `The microphone could not start: ${err.message}`);
      return new MicrophoneError('failed', err instanceof Error ? err.message : String(err));
  }
}

/**
 * Open the microphone and deliver 16 kHz s16le frames (~20 ms each) and their level in dBFS.
 * The AudioWorklet (capture-worklet.js, served by the dashboard itself) does the capture off the
 * main thread; resampling happens here.
 */
export async function startCapture(onFrame: (pcm: Int16Array, levelDb: number) => void, deviceId = ''): Promise<Capture> {
  if (!window.isSecureContext) {
    throw new MicrophoneError('insecure', 'The microphone needs a secure page: open the dashboard at http://localhost (or 127.0.0.1) or over https.');
  }
  if (!navigator.mediaDevices?.getUserMedia) throw new MicrophoneError('unsupported', 'This browser cannot capture audio (no getUserMedia).');
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) },
    });
  } catch (err) {
    const name = err instanceof DOMException || err instanceof Error ? err.name : '';
    if (deviceId && (name === 'OverconstrainedError' || name === 'NotFoundError')) {
      throw new MicrophoneError('not_found', 'The chosen microphone is not connected: plug it in, or pick another one under Microphone.');
    }
    throw explainMicrophoneError(err);
  }
  const context = new AudioContext();
  try {
    if (!context.audioWorklet) throw new MicrophoneError('unsupported', 'This browser has no AudioWorklet, which the microphone needs.');
    await within(context.audioWorklet.addModule(new URL('capture-worklet.js', document.baseURI).href), AUDIO_START_MS, audioStalled('loading the capture worklet'));
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, 'kiwi-capture', { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: 'explicit' });
    const resampler = new StreamingResampler(context.sampleRate, ENGINE_RATE);
    node.port.onmessage = (message: MessageEvent<Float32Array>) => {
      const block = message.data;
      const resampled = resampler.process(block);
      if (resampled.length > 0) onFrame(floatToInt16(resampled), levelDb(block));
    };
    // The node writes silence; connecting it keeps the graph pulling it in every browser.
    source.connect(node).connect(context.destination);
    await within(context.resume(), AUDIO_START_MS, audioStalled('starting the capture'));
    return {
      inputRate: context.sampleRate,
      label: stream.getAudioTracks()[0]?.label ?? '',
      async stop() {
        node.port.onmessage = null;
        source.disconnect();
        node.disconnect();
        for (const track of stream.getTracks()) track.stop();
        await context.close();
      },
    };
  } catch (err) {
    for (const track of stream.getTracks()) track.stop();
    // Not waited for: a context that did not start may not close either, and the person needs the reason now.
    context.close().catch((closeErr: unknown) => console.warn('closing the capture context failed', closeErr));
    throw explainMicrophoneError(err);
  }
}
