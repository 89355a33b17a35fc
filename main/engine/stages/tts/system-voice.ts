import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KiwiError } from '../../../platform/errors.ts';
import { findExecutable, runProcess } from '../../audio/processes.ts';
import { decodeWav } from '../../audio/wav.ts';
import type { Pcm, Tts, TtsOptions } from '../../stages.ts';
import { espeakVoice, listEspeakVoices, type EspeakVoices } from './espeak-voices.ts';

/**
 * The operating system's own voice, so Kiwi can always speak even with no TTS model installed:
 * espeak-ng on Linux (and wherever it is installed), `say` on macOS, SAPI (System.Speech through
 * Windows PowerShell) on Windows. Each runs as a child process that an abort kills.
 *
 * Tested here: espeak-ng on Linux (real synthesis in system-voice.test.ts). The macOS and Windows
 * paths are written against their documented command lines and were not run (no such machine).
 */

type Backend = (text: string, options: TtsOptions) => Promise<Pcm>;

export interface SystemVoiceOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
}

export async function createSystemVoiceTts(options: SystemVoiceOptions = {}): Promise<Tts> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const espeak = (await findExecutable('espeak-ng', env)) ?? (await findExecutable('espeak', env));
  if (platform === 'darwin') {
    const say = await findExecutable('say', env);
    if (say) return voice('say', sayBackend(say, env));
  }
  if (platform === 'win32') {
    const powershell = await findExecutable('powershell', env);
    if (powershell) return voice('sapi', sapiBackend(powershell, env));
  }
  if (espeak) {
    let voices: Promise<EspeakVoices> | null = null;
    return voice(path.basename(espeak).replace(/\.exe$/i, ''), (text, o) => {
      voices ??= listEspeakVoices(espeak, env);
      return voices.then((v) => espeakSynthesize(espeak, env, v, text, o));
    });
  }
  throw new KiwiError('system_voice_missing', `No system voice is available: ${INSTALL_HINT[platform] ?? INSTALL_HINT.linux}`, 503);
}

const INSTALL_HINT: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'install espeak-ng (Debian/Ubuntu: sudo apt-get install espeak-ng; Fedora: sudo dnf install espeak-ng), or install a TTS model with: kiwi models download <tts model>',
  darwin: "macOS's `say` was not found on PATH; install espeak-ng (brew install espeak-ng) or a TTS model with: kiwi models download <tts model>",
  win32: 'Windows PowerShell (powershell.exe, for System.Speech) was not found on PATH; install eSpeak NG or a TTS model with: kiwi models download <tts model>',
};

function voice(model: string, backend: Backend): Tts {
  return {
    name: 'system',
    model,
    async synthesize(text, options) {
      options.signal?.throwIfAborted();
      if (!/[\p{L}\p{N}]/u.test(text)) return { samples: new Float32Array(0), sampleRate: 22050 };
      return backend(text, options);
    },
    dispose: () => undefined, // nothing held between calls: each call is its own process
  };
}

const clampSpeed = (speed: number) => Math.min(2, Math.max(0.5, speed || 1));

async function espeakSynthesize(bin: string, env: NodeJS.ProcessEnv, voices: EspeakVoices, text: string, o: TtsOptions): Promise<Pcm> {
  const args = ['--stdin', '--stdout', '-b', '1', '-v', espeakVoice(voices, o.voice, o.language), '-s', String(Math.round(175 * clampSpeed(o.speed)))];
  const wav = await runProcess(bin, args, { input: text, signal: o.signal, env });
  return decodeWav(wav);
}

/** A scratch folder for tools that only write files; always removed. */
async function withTempFile<T>(name: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-tts-'));
  try {
    return await use(path.join(dir, name));
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** macOS `say`: text on stdin, 16-bit WAV to a temp file. Voice: a `say -v ?` name, else by language. */
function sayBackend(bin: string, env: NodeJS.ProcessEnv): Backend {
  let voices: Promise<{ name: string; locale: string }[]> | null = null;
  return async (text, o) => {
    voices ??= runProcess(bin, ['-v', '?'], { env }).then((out) => parseSayVoices(out.toString('utf8')));
    const list = await voices;
    const chosen =
      list.find((v) => v.name.toLowerCase() === o.voice.trim().toLowerCase()) ?? list.find((v) => v.locale.toLowerCase().startsWith(`${o.language}_`));
    return withTempFile('speech.wav', async (file) => {
      const args = ['-o', file, '--file-format=WAVE', '--data-format=LEI16@22050', '-r', String(Math.round(185 * clampSpeed(o.speed))), '-f', '-'];
      if (chosen) args.push('-v', chosen.name);
      await runProcess(bin, args, { input: text, signal: o.signal, env });
      return decodeWav(await fsp.readFile(file));
    });
  };
}

/** `say -v ?` lines: "<name>  <locale>  # <sample sentence>"; names may contain spaces. */
export function parseSayVoices(out: string): { name: string; locale: string }[] {
  return out
    .split('\n')
    .map((line) => /^(.+?)\s+([a-z]{2,3}[_-][A-Za-z0-9]+)\s+#/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1]!.trim(), locale: m[2]!.replace('-', '_') }));
}

/** Runs in Windows PowerShell 5 (System.Speech ships with .NET Framework); inputs come through env. */
const SAPI_SCRIPT = `
$ErrorActionPreference = 'Stop'
Add-Type -AssemblyName System.Speech
[Console]::InputEncoding = [System.Text.Encoding]::UTF8
$text = [Console]::In.ReadToEnd()
$s = New-Object System.Speech.Synthesis.SpeechSynthesizer
$voices = @($s.GetInstalledVoices() | Where-Object { $_.Enabled } | ForEach-Object { $_.VoiceInfo })
$pick = $voices | Where-Object { $_.Name -eq $env:KIWI_TTS_VOICE } | Select-Object -First 1
if (-not $pick) { $pick = $voices | Where-Object { $_.Culture.TwoLetterISOLanguageName -eq $env:KIWI_TTS_LANG } | Select-Object -First 1 }
if ($pick) { $s.SelectVoice($pick.Name) }
$s.Rate = [int]$env:KIWI_TTS_RATE
$s.SetOutputToWaveFile($env:KIWI_TTS_OUT)
$s.Speak($text)
$s.Dispose()
`;

/** SAPI rate is -10..10, roughly 3x faster at +10: rate = 10 * log3(speed). */
export const sapiRate = (speed: number) => Math.max(-10, Math.min(10, Math.round((10 * Math.log(clampSpeed(speed))) / Math.log(3))));

function sapiBackend(bin: string, env: NodeJS.ProcessEnv): Backend {
  const encoded = Buffer.from(SAPI_SCRIPT, 'utf16le').toString('base64');
  return (text, o) =>
    withTempFile('speech.wav', async (file) => {
      const childEnv = { ...env, KIWI_TTS_OUT: file, KIWI_TTS_LANG: o.language, KIWI_TTS_VOICE: o.voice, KIWI_TTS_RATE: String(sapiRate(o.speed)) };
      await runProcess(bin, ['-NoProfile', '-NonInteractive', '-EncodedCommand', encoded], { input: text, signal: o.signal, env: childEnv });
      return decodeWav(await fsp.readFile(file));
    });
}
