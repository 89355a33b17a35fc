import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { KiwiError } from '../../platform/errors.ts';
import { findExecutable, killNow } from './processes.ts';
import { alsaHasDevice, pulseReachable, type DeviceId } from './devices.ts';
import { SAMPLE_RATE } from '../../contract/audio.ts';

/**
 * The system microphone for headless Kiwi: a recorder process writes 16 kHz mono s16le to its
 * stdout, which becomes Float32Array frames for the audio hub.
 *
 * Recorders: parec (PulseAudio / PipeWire's pulse server), arecord (ALSA) or sox `rec` on Linux;
 * sox `rec` on macOS; ffmpeg with DirectShow on Windows. Tested: Linux only, and without a
 * capture device, so the capture logic (spawn, byte → frame conversion, stop/kill, exit
 * reporting) is tested with a stand-in recorder (sox reading a WAV file and writing raw PCM to
 * stdout). parec/arecord/rec against a real device, macOS and Windows were not run here.
 */

export const CAPTURE_RATE = SAMPLE_RATE;

export interface Recorder {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

const RAW_16K = ['-t', 'raw', '-r', String(CAPTURE_RATE), '-e', 'signed', '-b', '16', '-c', '1'];

export interface FindOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** A device from GET /api/audio/devices (config audio.input); without it, the system's default. */
  device?: DeviceId;
}

/**
 * The recorder to use, or null when there is none or no capture device (config audio.input
 * 'auto' uses the microphone only when this finds one). Resolves to the recorder, whose `name`
 * says what was found.
 */
export async function findMicrophone(options: FindOptions = {}): Promise<Recorder | null> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  if (platform === 'win32') return findDshowMicrophone(env);
  if (platform === 'darwin') {
    // Every Mac but a Mac mini/Pro without a headset has a microphone; CoreAudio reports the rest as a rec error.
    const rec = await findExecutable('rec', env);
    return rec ? { name: 'rec', command: rec, args: ['-q', ...RAW_16K, '-'] } : null;
  }
  const { device } = options;
  const pulse = pulseReachable(env) && (!device || device.stack === 'pulse');
  const alsa = alsaHasDevice('/proc/asound/pcm', 'capture') && (!device || device.stack === 'alsa');
  const pulseDevice = device ? [`--device=${device.name}`] : [];
  const alsaDevice = device ? ['-D', device.name] : [];
  const candidates: [string, boolean, string[]][] = [
    ['parec', pulse, ['--raw', '--format=s16le', `--rate=${CAPTURE_RATE}`, '--channels=1', '--client-name=kiwi', '--latency-msec=30', ...pulseDevice]],
    ['arecord', alsa, ['-q', ...alsaDevice, '-t', 'raw', '-f', 'S16_LE', '-r', String(CAPTURE_RATE), '-c', '1', '-']],
    // sox takes a named device from AUDIODRIVER/AUDIODEV (set below), and only through ALSA here.
    ['rec', alsa || (pulse && !device), ['-q', ...RAW_16K, '-']],
  ];
  for (const [name, reachable, args] of candidates) {
    if (!reachable) continue;
    const command = await findExecutable(name, env);
    if (!command) continue;
    return { name, command, args, env: name === 'rec' && device ? { ...env, AUDIODRIVER: 'alsa', AUDIODEV: device.name } : env };
  }
  return null;
}

/** Windows: ffmpeg's DirectShow input needs a device name, from `-list_devices`. */
async function findDshowMicrophone(env: NodeJS.ProcessEnv): Promise<Recorder | null> {
  const ffmpeg = await findExecutable('ffmpeg', env);
  if (!ffmpeg) return null;
  const listing = await stderrOf(ffmpeg, ['-hide_banner', '-list_devices', 'true', '-f', 'dshow', '-i', 'dummy'], env);
  const device = parseDshowAudioDevices(listing)[0];
  if (!device) return null;
  return {
    name: 'ffmpeg-dshow',
    command: ffmpeg,
    args: ['-hide_banner', '-loglevel', 'error', '-f', 'dshow', '-i', `audio=${device}`, '-ac', '1', '-ar', String(CAPTURE_RATE), '-f', 's16le', '-'],
  };
}

/**
 * Audio device names from ffmpeg's dshow listing, in both layouts ffmpeg has used:
 * `"Name" (audio)` per line, or a "DirectShow audio devices" section of `"Name"` lines.
 */
export function parseDshowAudioDevices(listing: string): string[] {
  const out: string[] = [];
  let inAudioSection = false;
  for (const line of listing.split(/\r?\n/)) {
    if (/DirectShow audio devices/i.test(line)) inAudioSection = true;
    else if (/DirectShow video devices/i.test(line)) inAudioSection = false;
    if (/Alternative name/i.test(line)) continue;
    const name = /"([^"]+)"/.exec(line)?.[1];
    if (name && (/\(audio\)\s*$/.test(line) || inAudioSection)) out.push(name);
  }
  return out;
}

/** ffmpeg -list_devices always "fails" (the dummy input); what matters is what it printed. */
function stderrOf(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', (e) => reject(new KiwiError('process_failed', `cannot run ${command}: ${e.message}`, 500)));
    child.on('close', () => resolve(err));
  });
}

export interface CaptureOptions {
  onFrame: (samples: Float32Array) => void;
  /** The recorder stopped by itself: `error` when it failed (not called after stop()). */
  onEnd?: (error?: KiwiError) => void;
  /** Samples per frame (default 512 = 32 ms, one Silero VAD window). */
  frameSamples?: number;
}

/** A running capture: frames flow to onFrame until stop() kills the recorder. */
export class SystemMicrophone {
  #child: ChildProcessByStdio<null, Readable, Readable> | null = null;
  #stopped = false;
  #pending: Buffer = Buffer.alloc(0);
  #done: Promise<void> = Promise.resolve();

  constructor(
    readonly recorder: Recorder,
    private readonly options: CaptureOptions,
  ) {}

  get running(): boolean {
    return this.#child !== null;
  }

  /** Resolves when the recorder process has exited (after stop() or by itself). */
  get done(): Promise<void> {
    return this.#done;
  }

  start(): void {
    if (this.#child || this.#stopped) throw new KiwiError('microphone_busy', 'this microphone capture was already started', 409);
    const { recorder } = this;
    const frameBytes = (this.options.frameSamples ?? 512) * 2;
    const child = spawn(recorder.command, recorder.args, { env: recorder.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    this.#child = child;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-1000)));
    child.stdout.on('data', (chunk: Buffer) => {
      if (this.#stopped) return;
      this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
      let at = 0;
      for (; at + frameBytes <= this.#pending.length; at += frameBytes) this.options.onFrame(toFloat(this.#pending.subarray(at, at + frameBytes)));
      this.#pending = this.#pending.subarray(at);
    });
    this.#done = new Promise<void>((resolve) => {
      let failed: KiwiError | undefined;
      child.on('error', (e) => (failed = new KiwiError('microphone_failed', `cannot run ${recorder.command}: ${e.message}`, 500)));
      child.on('close', (code, sig) => {
        this.#child = null;
        if (!this.#stopped) {
          const tail = this.#pending.subarray(0, this.#pending.length - (this.#pending.length % 2));
          if (tail.length) this.options.onFrame(toFloat(tail)); // a recorder that ended (a file) keeps its last samples
          if (!failed && code !== 0) {
            const why = code !== null ? `exit code ${code}` : `signal ${sig}`;
            failed = new KiwiError('microphone_failed', `${recorder.name} stopped (${why})${stderr.trim() ? `: ${stderr.trim()}` : ''}`, 500);
          }
          this.options.onEnd?.(failed);
        }
        this.#pending = Buffer.alloc(0);
        resolve();
      });
    });
  }

  /** Kill the recorder now; no frame is delivered after this returns. */
  stop(): Promise<void> {
    this.#stopped = true;
    if (this.#child) killNow(this.#child);
    return this.#done;
  }
}

/** s16le bytes → float samples in [-1, 1). */
function toFloat(bytes: Buffer): Float32Array {
  const out = new Float32Array(bytes.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt16LE(i * 2) / 32768;
  return out;
}

/** For config audio.input 'auto': the recorder's name when a capture device is usable, else null. */
export async function microphoneAvailable(options?: FindOptions): Promise<string | null> {
  return (await findMicrophone(options))?.name ?? null;
}
