import fs from 'node:fs';
import path from 'node:path';
import { AUDIO_DEVICE_ID } from '../../contract/audio.ts';
import { KiwiError } from '../../platform/errors.ts';
import { findExecutable, runProcess } from './processes.ts';

/**
 * The headless server's sound devices, listed by the same sound stack the system microphone and
 * speaker use (system-input.ts / system-output.ts): PulseAudio (or PipeWire's pulse server)
 * through `pactl`, else ALSA through `arecord -L` / `aplay -L`. An id names its stack
 * (`pulse:<source or sink name>`, `alsa:<pcm name>`), so the recorder and player know how to
 * open it. Linux only; elsewhere the lists are empty (the OS default is used).
 */

export type SoundStack = 'pulse' | 'alsa';

export interface AudioDevice {
  /** `pulse:alsa_input.usb-…` or `alsa:plughw:CARD=USB,DEV=0`: a value for config audio.input / audio.output. */
  id: string;
  name: string;
  default: boolean;
}

export interface AudioDevices {
  stack: SoundStack | null;
  inputs: AudioDevice[];
  outputs: AudioDevice[];
}

/** A device id as config audio.input / audio.output take it (no spaces, no shell characters). */
const DEVICE_ID = AUDIO_DEVICE_ID;

export interface DeviceId {
  stack: SoundStack;
  name: string;
}

/** `pulse:kiwi_null.monitor` → {stack: 'pulse', name: 'kiwi_null.monitor'}; null for auto/system/none. */
export function parseDeviceId(value: string): DeviceId | null {
  if (!DEVICE_ID.test(value)) return null;
  const at = value.indexOf(':');
  return { stack: value.slice(0, at) as SoundStack, name: value.slice(at + 1) };
}

export interface StackOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** /proc/asound/pcm, replaceable in tests. */
  alsaPcmFile?: string;
}

/** Whether a PulseAudio server (or PipeWire's pulse server) answers at the usual place. */
export function pulseReachable(env: NodeJS.ProcessEnv): boolean {
  const runtime = env.XDG_RUNTIME_DIR;
  return Boolean(env.PULSE_SERVER) || (runtime ? fs.existsSync(path.join(runtime, 'pulse', 'native')) : false);
}

/** /proc/asound/pcm lists "NN-NN: id : name : playback 1 : capture 1" per device. */
export function alsaHasDevice(pcmFile: string, kind: 'playback' | 'capture'): boolean {
  try {
    return fs.readFileSync(pcmFile, 'utf8').split('\n').some((line) => line.includes(`: ${kind} `));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false; // no ALSA at all
    throw err;
  }
}

/** Every device the system microphone and speaker could open now. */
export async function listAudioDevices(options: StackOptions = {}): Promise<AudioDevices> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  if (platform !== 'linux') return { stack: null, inputs: [], outputs: [] };
  const pactl = pulseReachable(env) ? await findExecutable('pactl', env) : null;
  if (pactl) return listPulse(pactl, env);
  const pcm = options.alsaPcmFile ?? '/proc/asound/pcm';
  const [arecord, aplay] = await Promise.all([findExecutable('arecord', env), findExecutable('aplay', env)]);
  const capture = alsaHasDevice(pcm, 'capture') && arecord;
  const playback = alsaHasDevice(pcm, 'playback') && aplay;
  if (!capture && !playback) return { stack: null, inputs: [], outputs: [] };
  const text = async (command: string) => (await runProcess(command, ['-L'], { env, maxOutput: 1024 * 1024 })).toString('utf8');
  return {
    stack: 'alsa',
    inputs: capture ? parseAlsaList(await text(capture)) : [],
    outputs: playback ? parseAlsaList(await text(playback)) : [],
  };
}

async function listPulse(pactl: string, env: NodeJS.ProcessEnv): Promise<AudioDevices> {
  const json = async (...args: string[]): Promise<unknown> => {
    const out = (await runProcess(pactl, ['--format=json', ...args], { env, maxOutput: 8 * 1024 * 1024 })).toString('utf8');
    try {
      return JSON.parse(out);
    } catch {
      throw new KiwiError('audio_devices_unreadable', `pactl ${args.join(' ')} did not answer JSON (PulseAudio 16 or newer is needed)`, 503);
    }
  };
  const [info, sources, sinks] = await Promise.all([json('info'), json('list', 'sources'), json('list', 'sinks')]);
  return { stack: 'pulse', ...parsePulseDevices(info, sources, sinks) };
}

interface PulseEntry {
  name?: unknown;
  description?: unknown;
  properties?: { 'device.class'?: unknown };
}

/**
 * `pactl --format=json info` / `list sources` / `list sinks` → devices. Monitors of outputs are
 * capture devices too (they record what is playing), listed after the real microphones.
 */
export function parsePulseDevices(info: unknown, sources: unknown, sinks: unknown): Omit<AudioDevices, 'stack'> {
  const defaults = (info ?? {}) as { default_source_name?: unknown; default_sink_name?: unknown };
  const devices = (list: unknown, defaultName: unknown) =>
    (Array.isArray(list) ? (list as PulseEntry[]) : [])
      .filter((entry) => typeof entry.name === 'string' && DEVICE_ID.test(`pulse:${entry.name}`))
      .map((entry) => ({
        id: `pulse:${entry.name as string}`,
        name: typeof entry.description === 'string' && entry.description ? entry.description : (entry.name as string),
        default: entry.name === defaultName,
        monitor: entry.properties?.['device.class'] === 'monitor',
      }))
      .sort((a, b) => Number(a.monitor) - Number(b.monitor))
      .map(({ id, name, default: isDefault }) => ({ id, name, default: isDefault }));
  return { inputs: devices(sources, defaults.default_source_name), outputs: devices(sinks, defaults.default_sink_name) };
}

/**
 * `arecord -L` / `aplay -L`: a PCM name at the start of a line, its description indented below.
 * Kept: `default` and each card's `plughw:` device (it converts to the 16 kHz mono Kiwi records
 * and plays); the raw `hw:`, the surround layouts and the rate/channel plugins are left out.
 */
export function parseAlsaList(listing: string): AudioDevice[] {
  const entries: Array<{ name: string; lines: string[] }> = [];
  for (const line of listing.split(/\r?\n/)) {
    if (!line.trim()) continue;
    if (/^\s/.test(line)) entries.at(-1)?.lines.push(line.trim());
    else entries.push({ name: line.trim(), lines: [] });
  }
  return entries
    .filter(({ name }) => (name === 'default' || name.startsWith('plughw:')) && DEVICE_ID.test(`alsa:${name}`))
    .map(({ name, lines }) => ({ id: `alsa:${name}`, name: lines.filter((l) => !/^Hardware device with all software conversions$/i.test(l)).join(', ') || name, default: name === 'default' }));
}

/**
 * The device ids config audio.input / audio.output may name now, for the config's checks; undefined
 * when the sound stack did not answer (the check is skipped, and the microphone reports a bad device).
 */
export async function knownAudioDevices(options?: StackOptions): Promise<{ stack: SoundStack | null; inputs: string[]; outputs: string[] } | undefined> {
  try {
    const { stack, inputs, outputs } = await listAudioDevices(options);
    return { stack, inputs: inputs.map((d) => d.id), outputs: outputs.map((d) => d.id) };
  } catch (err) {
    if (err instanceof KiwiError) return undefined; // pactl/arecord failed: nothing knowable to check against
    throw err;
  }
}
