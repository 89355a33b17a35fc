import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KiwiError } from '../../platform/errors.ts';
import type { Pcm } from '../stages.ts';
import type { AudioSink } from './audio-hub.ts';
import { float32ToInt16, int16ToBytes, joinPcm } from './pcm.ts';
import { findExecutable, killNow } from './processes.ts';
import { encodeWav } from './wav.ts';
import { alsaHasDevice, pulseReachable, type DeviceId } from './devices.ts';

export { alsaHasDevice };

/**
 * The system speaker for headless Kiwi: each utterance is piped to a player process, which an
 * abort (barge-in, stop) kills at once, so sound stops immediately rather than at the end of
 * the sentence.
 *
 * Players: paplay (PulseAudio / PipeWire's pulse server), pw-play (PipeWire), aplay (ALSA) or
 * sox `play` on Linux; afplay on macOS; PowerShell's System.Media.SoundPlayer on Windows.
 * Tested: Linux only, and this machine has no sound card or sound server, so the spawn, pipe,
 * exit and kill logic is tested with stand-in commands (sox writing a file, a sleeping process)
 * and the real sox `play` is only seen failing without a device. The macOS and Windows players
 * and paplay/pw-play/aplay follow their documented command lines and were not run here.
 */

/** How a player takes audio: raw s16le mono on stdin, a WAV on stdin, or a WAV file path. */
export interface Player {
  name: string;
  command: string;
  input: 'raw' | 'wav-stdin' | 'wav-file';
  args(rate: number, file: string): string[];
  env?: NodeJS.ProcessEnv;
}

const SOUND_PLAYER = Buffer.from('(New-Object System.Media.SoundPlayer $env:KIWI_WAV).PlaySync()', 'utf16le').toString('base64');

/** Known players, in order of preference per platform. `rate` is the audio's sample rate. */
const PLAYERS: Record<'linux' | 'darwin' | 'win32', Omit<Player, 'command'>[]> = {
  linux: [
    { name: 'paplay', input: 'raw', args: (rate) => ['--raw', '--format=s16le', `--rate=${rate}`, '--channels=1', '--client-name=kiwi'] },
    { name: 'pw-play', input: 'raw', args: (rate) => ['--format', 's16', '--rate', String(rate), '--channels', '1', '-'] },
    { name: 'aplay', input: 'raw', args: (rate) => ['-q', '-t', 'raw', '-f', 'S16_LE', '-r', String(rate), '-c', '1', '-'] },
    { name: 'play', input: 'raw', args: (rate) => ['-q', '-t', 'raw', '-r', String(rate), '-e', 'signed', '-b', '16', '-c', '1', '-'] },
  ],
  darwin: [{ name: 'afplay', input: 'wav-file', args: (_rate, file) => [file] }],
  win32: [{ name: 'powershell', input: 'wav-file', args: () => ['-NoProfile', '-NonInteractive', '-EncodedCommand', SOUND_PLAYER] }],
};

export interface DetectOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** Skip the "is there a sound device" check (the player alone decides). */
  ignoreDevices?: boolean;
  /** A device from GET /api/audio/devices (config audio.output); without it, the system's default. */
  device?: DeviceId;
}

/** The arguments (or, for sox, the environment) that send a player's sound to `device`; null: it cannot open it. */
function deviceArgs(player: string, device: DeviceId): { args: string[]; env?: Record<string, string> } | null {
  if (device.stack === 'pulse') return player === 'paplay' ? { args: [`--device=${device.name}`] } : null;
  if (player === 'aplay') return { args: ['-D', device.name] };
  if (player === 'play') return { args: [], env: { AUDIODRIVER: 'alsa', AUDIODEV: device.name } };
  return null;
}

/**
 * The player to use, or null when there is none or no sound device to play on (so config
 * audio.output 'auto' stays silent on a server without a sound card).
 */
export async function findSpeaker(options: DetectOptions = {}): Promise<Player | null> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const family = platform === 'darwin' || platform === 'win32' ? platform : 'linux';
  const { device } = options;
  for (const player of PLAYERS[family]) {
    if (family === 'linux' && !options.ignoreDevices && !linuxOutputReachable(player.name, env)) continue;
    const target = device ? deviceArgs(player.name, device) : { args: [] };
    if (!target) continue;
    const command = await findExecutable(player.name, env);
    if (!command) continue;
    if (!device) return { ...player, command, env };
    return { ...player, command, args: (rate, file) => [...target.args, ...player.args(rate, file)], env: { ...env, ...target.env } };
  }
  return null;
}

/** Whether a Linux player has something to play on: a sound server socket or an ALSA card. */
export function linuxOutputReachable(player: string, env: NodeJS.ProcessEnv, root = '/'): boolean {
  const runtime = env.XDG_RUNTIME_DIR;
  const pulse = pulseReachable(env);
  const pipewire = runtime ? fs.existsSync(path.join(runtime, env.PIPEWIRE_REMOTE ?? 'pipewire-0')) : false;
  const alsa = alsaHasDevice(path.join(root, 'proc', 'asound', 'pcm'), 'playback');
  if (player === 'paplay') return pulse;
  if (player === 'pw-play') return pipewire;
  if (player === 'aplay') return alsa;
  return alsa || pulse; // sox play: ALSA or its pulseaudio driver
}

export class SystemSpeakerSink implements AudioSink {
  constructor(
    readonly player: Player,
    readonly id = 'system:speaker',
  ) {}

  async play(audio: Pcm, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (audio.samples.length === 0) return;
    const seconds = audio.samples.length / audio.sampleRate;
    if (this.player.input === 'raw') return this.#spawn(audio.sampleRate, signal, '', [{ bytes: int16ToBytes(float32ToInt16(audio.samples)), seconds }]);
    if (this.player.input === 'wav-stdin') return this.#spawn(audio.sampleRate, signal, '', [{ bytes: encodeWav(audio), seconds }]);
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-play-'));
    try {
      const file = path.join(dir, 'reply.wav');
      await fsp.writeFile(file, encodeWav(audio));
      await this.#spawn(audio.sampleRate, signal, file, [{ bytes: Buffer.alloc(0), seconds }]);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  }

  /** A player that reads raw samples starts at the first piece and is fed the rest as they come; the others play the whole. */
  async playStream(audio: AsyncIterable<Pcm>, signal: AbortSignal): Promise<void> {
    const pieces = audio[Symbol.asyncIterator]();
    const first = await pieces.next();
    if (first.done) return;
    if (this.player.input !== 'raw') {
      const rest: Pcm[] = [];
      for (let next = await pieces.next(); !next.done; next = await pieces.next()) rest.push(next.value);
      return this.play(joinPcm([first.value, ...rest]), signal);
    }
    const raw = ({ samples, sampleRate }: Pcm) => ({ bytes: int16ToBytes(float32ToInt16(samples)), seconds: samples.length / sampleRate });
    const input = async function* () {
      yield raw(first.value);
      for (let next = await pieces.next(); !next.done; next = await pieces.next()) yield raw(next.value);
    };
    return this.#spawn(first.value.sampleRate, signal, '', input());
  }

  /**
   * Resolves when the player exits 0 (it has played everything); an abort or a failing input kills
   * it and rejects. Its input is written as it comes; stdin ends after the last of it.
   */
  #spawn(rate: number, signal: AbortSignal, file: string, input: Iterable<PlayerInput> | AsyncIterable<PlayerInput>): Promise<void> {
    const { player } = this;
    return new Promise<void>((resolve, reject) => {
      signal.throwIfAborted();
      const env = { ...(player.env ?? process.env), KIWI_WAV: file };
      const child = spawn(player.command, player.args(rate, file), { env, stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true });
      let stderr = '';
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (err?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (err === undefined) resolve();
        else reject(err);
      };
      const onAbort = () => {
        killNow(child);
        finish(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-1000)));
      child.on('error', (err) => finish(new KiwiError('speaker_failed', `cannot run ${player.command}: ${err.message}`, 500)));
      child.on('close', (code, sig) => {
        if (code === 0) return finish();
        const why = code !== null ? `exit code ${code}` : `signal ${sig}`;
        finish(new KiwiError('speaker_failed', `${player.name} failed (${why})${stderr.trim() ? `: ${stderr.trim()}` : ''}`, 500));
      });
      // EPIPE when the player dies before reading everything: its exit is reported by 'close'.
      child.stdin.on('error', () => undefined);
      const feed = async () => {
        let seconds = 0;
        for await (const { bytes, seconds: more } of input) {
          if (settled) return;
          seconds += more;
          if (bytes.length) child.stdin.write(bytes);
        }
        if (settled) return;
        child.stdin.end();
        // A player stuck on a busy device must not hang the reply forever.
        timer = setTimeout(() => {
          killNow(child);
          finish(new KiwiError('speaker_failed', `${player.name} did not finish playing ${seconds.toFixed(1)} s of audio in time`, 500));
        }, (seconds + 15) * 1000);
      };
      feed().catch((err: unknown) => {
        killNow(child);
        finish(err);
      });
    });
  }
}

/** What a player is fed: bytes for its stdin (none for a WAV file path) and the seconds of audio they hold. */
interface PlayerInput {
  bytes: Buffer;
  seconds: number;
}

/** For config audio.output 'auto': the player's name when a speaker is usable, else null. */
export async function speakerAvailable(options?: DetectOptions): Promise<string | null> {
  return (await findSpeaker(options))?.name ?? null;
}
