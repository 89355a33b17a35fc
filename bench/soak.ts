import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { startKiwi, type RunningKiwi } from '../main/app/start.ts';
import { float32ToInt16, int16ToBytes } from '../main/engine/audio/pcm.ts';
import { concat, silence, speak } from '../main/engine/models/testing/speech.ts';
import { createLogger } from '../main/platform/logger.ts';
import { percentile } from './kiwi-process.ts';

/**
 * The soak: Kiwi (in this process, on the test fixtures' real models) hears three microphones
 * streaming real speech at real-time pace over /api/audio, gets a typed command every 10 s and
 * API traffic (status every second, config and speakers every 5 s), for N minutes. It reports
 * RSS at minute 2 and at the end, event-loop lag and /api/status latency, and what Kiwi did.
 * The load generator shares the process (3 sockets, 31 frames/s each: negligible next to Kiwi).
 */
export interface SoakOptions {
  minutes: number;
  modelsDir: string;
  /** Seconds between two commands on one stream (2 s of speech, then silence). */
  speakEverySeconds?: number;
  log?: (line: string) => void;
}

const RATE = 16000;
const FRAME = 512; // 32 ms, what a browser AudioWorklet sends
const PHRASES = ['Kiwi, what time is it?', 'Kiwi, what day is it today?', 'Kiwi, what time is it now?'];

export async function runSoak(options: SoakOptions) {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiwi-soak-'));
  const kiwi = await startKiwi({
    env: {
      KIWI_DATA_DIR: dataDir,
      KIWI_MODELS_DIR: options.modelsDir,
      KIWI_PORT: '0',
      KIWI_HOST: '127.0.0.1',
      KIWI_WAKE_WORD_ENGINE: 'text',
      KIWI_TTS_PROVIDER: 'piper',
      KIWI_AUTO_DOWNLOAD_MODELS: 'false',
      KIWI_AUDIO_INPUT: 'none',
      KIWI_AUDIO_OUTPUT: 'none',
    },
    logger: createLogger({ KIWI_LOG_LEVEL: 'warn' }),
  });
  const missing = kiwi.runtime.engine.missing.filter((m) => /^(vad|stt|tts):/.test(m));
  if (missing.length > 0) throw new Error(`soak needs vad, stt and tts: ${missing.join('; ')}`);

  const counts = { voice_commands: 0, turns_answered: 0, turns_ignored: 0, chats: 0, chat_errors: 0, api_errors: 0, audio_overruns: 0, streams_closed: 0, reply_audio_bytes: 0 };
  /** Why turns went unanswered ("no wake word", "dropped: …"), by reason. */
  const ignored: Record<string, number> = {};
  const offResult = kiwi.runtime.engine.onResult((r) => {
    if (r.reply) return void counts.turns_answered++;
    counts.turns_ignored++;
    const why = r.ignored ?? 'no reply';
    ignored[why] = (ignored[why] ?? 0) + 1;
  });
  const offEvents = kiwi.runtime.bus.subscribe((e) => {
    if (e.event === 'AUDIO_OVERRUN') counts.audio_overruns++;
    if (e.event === 'SPEECH_RECOGNIZED' && e.data.source !== 'text') counts.voice_commands++;
  });
  // The clips are synthesised (espeak, synchronously) before anything is measured.
  const every = options.speakEverySeconds ?? 15;
  const clips = PHRASES.map((phrase, i) => concat(silence(0.5 + i), speak(phrase), silence(Math.max(1, every - 2.5 - i))));
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const statusMs: number[] = [];
  /** RSS with the JS heap and Buffers beside it: growth outside both is native (onnxruntime, sherpa, malloc). */
  const rss: Array<{ minute: number; mib: number; heap_mib: number; external_mib: number }> = [];
  const toMib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  const mib = () => toMib(process.memoryUsage().rss);
  const t0 = performance.now();
  const minute = () => (performance.now() - t0) / 60_000;
  const loadStart = os.loadavg();
  const streams = clips.map((clip) => streamSpeech(kiwi, clip, counts));
  const timers: NodeJS.Timeout[] = [];
  /** What failed, by request and status or error (so a soak failure says what it was). */
  const failures: Record<string, number> = {};
  const failed = (counter: 'api_errors' | 'chat_errors', what: string, why: unknown) => {
    counts[counter]++;
    const key = `${what}: ${typeof why === 'number' || typeof why === 'string' ? why : (why as Error).message}`;
    failures[key] = (failures[key] ?? 0) + 1;
  };
  const api = (method: string, p: string, body?: object) =>
    fetch(`${kiwi.server.url}${p}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  timers.push(
    setInterval(() => {
      const start = performance.now();
      void api('GET', '/api/status')
        .then(async (res) => {
          await res.arrayBuffer();
          if (!res.ok) failed('api_errors', 'GET /api/status', res.status);
          statusMs.push(performance.now() - start);
        })
        .catch((err: unknown) => failed('api_errors', 'GET /api/status', err));
    }, 1000),
    setInterval(() => {
      for (const p of ['/api/config', '/api/speakers']) {
        void api('GET', p)
          .then(async (res) => {
            await res.arrayBuffer();
            if (!res.ok) failed('api_errors', `GET ${p}`, res.status);
          })
          .catch((err: unknown) => failed('api_errors', `GET ${p}`, err));
      }
    }, 5000),
    setInterval(() => {
      void api('POST', '/api/chat', { text: 'what time is it', speak: false })
        .then(async (res) => {
          const body = await res.text();
          if (res.ok) counts.chats++;
          else failed('chat_errors', 'POST /api/chat', `${res.status} ${body.slice(0, 200)}`);
        })
        .catch((err: unknown) => failed('chat_errors', 'POST /api/chat', err));
    }, 10_000),
    setInterval(() => {
      const usage = process.memoryUsage();
      rss.push({ minute: Math.round(minute() * 10) / 10, mib: toMib(usage.rss), heap_mib: toMib(usage.heapUsed), external_mib: toMib(usage.external) });
    }, 10_000),
  );

  let lagAfter2: ReturnType<typeof monitorEventLoopDelay> | null = null;
  const end = t0 + options.minutes * 60_000;
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(5000, end - performance.now())));
    if (lagAfter2 === null && minute() >= Math.min(2, options.minutes / 2)) {
      lagAfter2 = monitorEventLoopDelay({ resolution: 10 });
      lagAfter2.enable();
      log(`soak: minute ${minute().toFixed(1)}, RSS ${mib()} MiB`);
    }
    const m = minute();
    if (m >= 5 && m % 5 < 5 / 60) log(`soak: minute ${minute().toFixed(1)}, RSS ${mib()} MiB, ${JSON.stringify(counts)} ${JSON.stringify(ignored)}`);
  }
  for (const t of timers) clearInterval(t);
  await Promise.all(streams.map((s) => s.stop()));
  lag.disable();
  lagAfter2?.disable();
  offResult();
  offEvents();
  const loadEnd = os.loadavg();
  await kiwi.stop('soak done');
  fs.rmSync(dataDir, { recursive: true, force: true });

  const sorted = [...statusMs].sort((a, b) => a - b);
  const ms = (h: ReturnType<typeof monitorEventLoopDelay> | null, p: number) => (h ? Math.round((h.percentile(p) / 1e6) * 10) / 10 : null);
  return {
    minutes: options.minutes,
    streams: PHRASES.length,
    speak_every_s: every,
    rss_mib: rssGrowth(rss, Math.min(2, options.minutes / 2)),
    event_loop_lag_ms: { p50: ms(lag, 50), p99: ms(lag, 99), max: ms(lag, 100), p99_after_minute_2: ms(lagAfter2, 99) },
    status_ms: { n: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN) },
    counts,
    ignored,
    failures,
    loadavg: { start: loadStart.map(round2), end: loadEnd.map(round2) },
    // The glibc malloc settings Kiwi ran with (`npm run bench` sets those of `kiwi serve`, bin/malloc-tuning.mjs).
    allocator: Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('MALLOC_'))),
  };
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * RSS swings by 100–200 MiB within a turn (a Whisper window's buffers are allocated and freed
 * each time), so one sample at minute 2 and one at the end measure where a turn happened to be,
 * not growth. What is kept between turns is the floor: the lowest sample in the minute after
 * `from` and in the last minute. Peaks are reported beside it.
 */
function rssGrowth(samples: Array<{ minute: number; mib: number }>, from: number) {
  const last = samples.at(-1)?.minute ?? 0;
  const window = (a: number, b: number) => samples.filter((s) => s.minute >= a && s.minute <= b).map((s) => s.mib);
  const early = window(from, from + 1);
  const late = window(last - 1, last);
  const floor = (xs: number[]) => (xs.length ? Math.min(...xs) : null);
  const peak = (xs: number[]) => (xs.length ? Math.max(...xs) : null);
  const [start, end] = [floor(early), floor(late)];
  return {
    floor_at_minute_2: start,
    floor_at_end: end,
    growth_percent: start && end ? round(((end - start) / start) * 100) : null,
    peak_at_minute_2: peak(early),
    peak_at_end: peak(late),
    samples,
  };
}
const round2 = (n: number) => Math.round(n * 100) / 100;

/** One microphone: the clip looped at real-time pace (frames due by the clock, so a late tick catches up). */
function streamSpeech(kiwi: RunningKiwi, clip: Float32Array, counts: { streams_closed: number; reply_audio_bytes: number }) {
  const ws = new WebSocket(`${kiwi.server.url.replace('http', 'ws')}/api/audio`);
  const pcm = int16ToBytes(float32ToInt16(clip));
  let sent = 0;
  let started = 0;
  let timer: NodeJS.Timeout | undefined;
  ws.on('open', () => {
    started = performance.now();
    timer = setInterval(() => {
      const due = Math.floor(((performance.now() - started) / 1000) * RATE);
      while (sent + FRAME <= due && ws.readyState === ws.OPEN) {
        const at = (sent % clip.length) * 2;
        const frame = at + FRAME * 2 <= pcm.length ? pcm.subarray(at, at + FRAME * 2) : Buffer.concat([pcm.subarray(at), pcm.subarray(0, at + FRAME * 2 - pcm.length)]);
        ws.send(frame);
        sent += FRAME;
      }
    }, 20);
  });
  ws.on('message', (data: Buffer, binary) => {
    if (binary) counts.reply_audio_bytes += data.length;
  });
  ws.on('close', () => {
    if (timer) counts.streams_closed++;
    clearInterval(timer);
    timer = undefined;
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        timer = undefined;
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}
