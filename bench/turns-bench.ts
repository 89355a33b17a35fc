import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { concat, silence, speak } from '../main/engine/models/testing/speech.ts';
import { LlmStandin } from '../main/testing/llm-standins.ts';
import { percentile, startKiwiProcess, type KiwiProcess } from './kiwi-process.ts';
import { fixturesDir } from './voice-bench.ts';

/**
 * Spoken turns as a user has them: `kiwi serve` in its own process with the fixture models, a
 * client streaming espeak-ng speech into WebSocket /api/audio at real-time pace (32 ms frames),
 * and every latency counted from the moment the frame holding the LAST VOICED SAMPLE of the
 * command was sent (known from the generated audio, not from Kiwi's endpoint) to the first
 * binary reply audio on the same socket. The same run measures the old way (30 s padding, no
 * early transcript, fixed silence) and prints the ratio, so the gain reads on a busy machine too.
 */

const RATE = 16000;
const FRAME = 512;
const BUILTIN = ['what time is it', 'what is the date', 'tell me the time', 'what day is it today', 'who am i'];
const ANSWER = 'Penguins live almost only in the southern half of the world, far from the polar bears of the north. They cannot fly, but they swim very fast. ';
/** The stand-in writes a word every 75 ms; the first clause ("…of the world,") ends after this many words. */
const FIRST_CLAUSE_WORDS = ANSWER.split(',')[0]!.trim().split(/\s+/).length;
const WORD_MS = 75;
/** How long the server idles after start before its idle RSS is read. */
const IDLE_MS = 60_000;

const MODES = {
  // Kiwi's defaults are the fast way (main/contract/config.ts): Whisper on the command's own length
  // (stt_full_window false), the early transcript after 40 ms of the voice's own quiet (speculative_ms,
  // speculate_on_voice), and every complete command ending at it (provisional_end).
  fast: {},
  // Everything set: 30 s padding, no early transcript, the fixed silence.
  old: { stt_full_window: true, voice: { speculative_ms: 0, speculate_on_voice: false, smart_endpoint: false, provisional_end: false } },
} as const;

interface Clip {
  audio: Float32Array;
  /** Index of the last sample above -40 dBFS. */
  lastVoiced: number;
}

function clip(text: string, voice: string): Clip {
  const speech = speak(text, voice);
  let last = speech.length - 1;
  while (last > 0 && Math.abs(speech[last]!) < 0.01) last -= 1;
  const lead = silence(0.6);
  return { audio: concat(lead, speech, silence(0.2)), lastVoiced: lead.length + last };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** One Kiwi process and its two sockets: audio in/out and the event stream. */
class Client {
  firstAudioAt: number | null = null;
  readonly finished: Array<Record<string, unknown>> = [];
  #waiters: Array<() => void> = [];

  private constructor(
    readonly kiwi: KiwiProcess,
    private readonly audio: WebSocket,
    events: WebSocket,
  ) {
    audio.on('message', (data, binary) => {
      if (binary && this.firstAudioAt === null) this.firstAudioAt = performance.now();
    });
    events.on('message', (data) => {
      const event = JSON.parse(String(data)) as { event: string; data: Record<string, unknown> };
      if (event.event === 'TURN_FINISHED') {
        this.finished.push(event.data);
        for (const wake of this.#waiters.splice(0)) wake();
      }
    });
  }

  static async start(mode: keyof typeof MODES, modelsDir: string, llmUrl: string): Promise<Client> {
    const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kiwi-bench-config-')), 'config.yaml');
    // Kiwi's default wake (the keyword spotters proposing, the transcript confirming): its models count in the RSS.
    const settings = {
      tts_provider: 'piper',
      llm: { provider: 'openai', base_url: llmUrl, model: 'standin', api_key: 'bench' },
      ...MODES[mode],
    };
    fs.writeFileSync(config, JSON.stringify(settings)); // JSON is YAML
    const kiwi = await startKiwiProcess({ KIWI_CONFIG: config, KIWI_MODELS_DIR: modelsDir, KIWI_AUTH_ENABLED: 'false' });
    const ws = (p: string) =>
      new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(kiwi.url.replace(/^http/, 'ws') + p, { headers: { origin: kiwi.url } });
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
      });
    const audio = await ws('/api/audio');
    audio.send(JSON.stringify({ type: 'hello', sample_rate: RATE }));
    return new Client(kiwi, audio, await ws('/api/events'));
  }

  rssMb(): number {
    const status = fs.readFileSync(`/proc/${this.kiwi.pid}/status`, 'utf8');
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
  }

  /** Stream `c` (then silence) at `pace` × real time until the turn is finished; latencies from the last voiced frame. */
  async turn(c: Clip, pace = 1): Promise<{ firstAudioMs: number | null; result: Record<string, unknown> | undefined }> {
    this.firstAudioAt = null;
    const done = this.finished.length;
    const finished = new Promise<void>((resolve) => this.#waiters.push(resolve));
    let lastVoicedAt = 0;
    let sent = 0;
    const started = performance.now();
    const send = async (samples: Float32Array) => {
      for (let at = 0; at < samples.length; at += FRAME) {
        const frame = samples.subarray(at, at + FRAME);
        sent += frame.length;
        await sleep(started + (sent / RATE) * (1000 / pace) - performance.now()); // a microphone delivers a frame when it is full
        this.audio.send(Buffer.from(Int16Array.from(frame, (s) => Math.max(-32768, Math.min(32767, Math.round(s * 32767)))).buffer));
        if (!lastVoicedAt && sent > c.lastVoiced) lastVoicedAt = performance.now();
      }
    };
    await send(c.audio);
    if (this.audio.readyState !== WebSocket.OPEN) throw new Error('Kiwi closed the audio socket (see its close reason): the rest of the run would only wait');
    let gotIt = false;
    void finished.then(() => (gotIt = true));
    // Until the turn is over (a loaded machine's old way took 30 s): a turn left running would
    // overlap the next one and its late reply audio would be counted for the wrong turn.
    for (let waited = 0; !gotIt && waited < 120_000; waited += 100) await send(silence(0.1));
    await send(silence(0.3));
    return { firstAudioMs: this.firstAudioAt === null ? null : Math.round(this.firstAudioAt - lastVoicedAt), result: this.finished[done] };
  }

  async stop(): Promise<void> {
    this.audio.close();
    await this.kiwi.stop();
  }
}

async function runMode(mode: keyof typeof MODES, modelsDir: string, llm: LlmStandin, memoryTurns: number) {
  const client = await Client.start(mode, modelsDir, llm.baseUrl);
  try {
    await sleep(3000); // models loaded, warm-ups done
    const rssStarted = client.rssMb();
    // Idle: a minute with nothing to do. Right after start RSS still holds start-up garbage (the
    // workers' start, warm-up buffers) that V8 and malloc give back in steps over ~35 s.
    await sleep(IDLE_MS - 3000);
    const rssIdle = client.rssMb();
    // Four native voices: tiny.en mishears some commands in each ("what is the date" → "net"), and
    // only answered built-ins count, so two voices left the p50 to four turns.
    const voices = ['en-us', 'en-gb', 'en-gb-x-rp', 'en-us+m3'];
    const clips = voices.flatMap((voice) => BUILTIN.map((text) => clip(`Kiwi, ${text}.`, voice)));
    const builtin: number[] = [];
    const transcript: number[] = [];
    /** The transcript of the turns a built-in answered: commands that only say something (provisional_end ends them early). */
    const builtinTranscript: number[] = [];
    const waterfalls: Array<Record<string, number>> = [];
    for (const c of clips) {
      const { firstAudioMs, result } = await client.turn(c);
      console.error(`  ${mode}: ${String(result?.command)}, first audio ${firstAudioMs} ms, ${JSON.stringify(result?.timings_ms)} "${String(result?.transcript)}"`);
      // Only turns a built-in command answered (a misheard command goes on to the LLM stand-in).
      const answered = firstAudioMs !== null && result?.command && result.command !== 'llm';
      if (answered) builtin.push(firstAudioMs);
      const timings = (result?.timings_ms ?? {}) as Record<string, number>;
      if (timings.transcript !== undefined) transcript.push(timings.transcript);
      if (answered && timings.transcript !== undefined) builtinTranscript.push(timings.transcript);
      waterfalls.push(timings);
    }
    // LLM turns: the stand-in writes one token event every 75 ms; its first clause is written with event FIRST_CLAUSE_WORDS (event 0 is the role chunk).
    const llmFirst: number[] = [];
    const llmAfterClause: number[] = [];
    const penguins = clip('Kiwi, tell me about penguins.', 'en-us');
    for (let i = 0; i < 3; i += 1) {
      llm.reply({ kind: 'stream', tokens: ANSWER.split(/(?<= )/), perEvent: true, delayMs: WORD_MS });
      const asked = llm.requests.length;
      const { firstAudioMs, result } = await client.turn(penguins);
      const clauseWrittenAt = llm.requests[asked]?.writtenAt[FIRST_CLAUSE_WORDS];
      if (firstAudioMs === null || clauseWrittenAt === undefined) continue;
      const timings = (result?.timings_ms ?? {}) as Record<string, number>;
      console.error(`  ${mode}: llm, first audio ${firstAudioMs} ms, ${JSON.stringify(timings)} "${String(result?.transcript)}"`);
      llmFirst.push(firstAudioMs);
      // From the moment the stand-in wrote the first clause's last word to the first reply audio.
      llmAfterClause.push(Math.round(client.firstAudioAt! - clauseWrittenAt));
    }
    const rssWarm = client.rssMb();
    // A little faster than real time to save bench time, but under /api/audio's 1.5x flood limit
    // (at 4x Kiwi rightly closed the socket and every later turn waited out its 120 s).
    for (let i = 0; i < memoryTurns; i += 1) await client.turn(clips[i % clips.length]!, 1.4);
    const rssAfter = client.rssMb();
    // And whether the memory those turns used goes back: another idle minute.
    if (memoryTurns > 0) await sleep(IDLE_MS);
    const rssIdleAfter = client.rssMb();
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const median = (key: string) => percentile(sorted(waterfalls.map((w) => w[key]).filter((v): v is number => v !== undefined)), 50);
    return {
      builtin_turns: clips.length,
      builtin_answered: builtin.length,
      builtin_first_audio_ms_p50: percentile(sorted(builtin), 50),
      builtin_first_audio_ms_p90: percentile(sorted(builtin), 90),
      transcript_ms_p50: percentile(sorted(transcript), 50),
      builtin_transcript_ms_p50: percentile(sorted(builtinTranscript), 50),
      waterfall_ms_median: { speculative: median('speculative'), endpoint: median('endpoint'), transcript: median('transcript'), first_audio: median('first_audio') },
      llm_turns: llmFirst.length,
      llm_first_audio_ms_p50: percentile(sorted(llmFirst), 50),
      llm_first_clause_ms: FIRST_CLAUSE_WORDS * WORD_MS,
      llm_first_audio_after_first_clause_ms_p50: percentile(sorted(llmAfterClause), 50),
      rss_mb_3s_after_start: rssStarted,
      rss_mb_idle: rssIdle,
      rss_mb_after_warm_up: rssWarm,
      memory_turns: memoryTurns,
      rss_mb_after_memory_turns: rssAfter,
      rss_mb_idle_after_memory_turns: rssIdleAfter,
      rss_growth_percent: Math.round(((rssAfter - rssWarm) / rssWarm) * 1000) / 10,
    };
  } finally {
    await client.stop();
  }
}

export async function runTurnsBench() {
  const modelsDir = fixturesDir();
  const llm = await LlmStandin.start('openai');
  const memoryTurns = Number(process.env.KIWI_BENCH_MEMORY_TURNS ?? 100);
  const load = () => os.loadavg().map((v) => Math.round(v * 10) / 10);
  try {
    const loadBefore = load();
    const fast = await runMode('fast', modelsDir, llm, memoryTurns);
    const old = await runMode('old', modelsDir, llm, 0);
    const ratio = (a: number, b: number) => Math.round((b / a) * 100) / 100;
    return {
      loadavg_before: loadBefore,
      loadavg_after: load(),
      fast,
      old_way: old,
      ratio_old_to_fast: {
        builtin_first_audio_p50: ratio(fast.builtin_first_audio_ms_p50, old.builtin_first_audio_ms_p50),
        builtin_first_audio_p90: ratio(fast.builtin_first_audio_ms_p90, old.builtin_first_audio_ms_p90),
        transcript_p50: ratio(fast.transcript_ms_p50, old.transcript_ms_p50),
        llm_first_audio_p50: ratio(fast.llm_first_audio_ms_p50, old.llm_first_audio_ms_p50),
      },
      targets: { builtin_first_audio_ms_p50: 450, builtin_first_audio_ms_p90: 700, transcript_ms_p50: 200, llm_first_audio_after_first_clause_ms: 250, rss_mb_idle: 500, rss_growth_percent: 3 },
      note: 'kiwi serve (fixture models: Silero VAD, the GigaSpeech keyword spotter with the transcript confirming (the default wake), Whisper tiny.en, Piper joe-medium, Resemblyzer) fed over WebSocket /api/audio at real-time pace; every latency from the frame with the last voiced sample to the first reply audio on the socket; fast = Kiwi\'s defaults (stt_full_window false, voice.speculate_on_voice true, voice.speculative_ms 40, voice.provisional_end true); old_way = 30 s Whisper padding, no early transcript, fixed (adaptive) silence only; rss_mb_idle after a minute with nothing to do, rss_mb_idle_after_memory_turns another minute after the 100 turns',
    };
  } finally {
    await llm.close();
  }
}
