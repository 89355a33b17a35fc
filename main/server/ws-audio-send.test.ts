import { describe, expect, it } from 'vitest';
import type { Pcm } from '../engine/stages.ts';
import { ManualClock } from '../timers/testing/manual-clock.ts';
import { REPLY_LEAD_MS, sendAudio, type ReplyOut } from './ws-audio.ts';

/** A client's outbox as sendAudio uses it, recording what was sent: JSON as text, audio as its sample count. */
function socket() {
  const sent: Array<string | number> = [];
  const ws: ReplyOut = { open: true, send: (message) => sent.push(JSON.stringify(message)), sendBinary: (data) => sent.push(data.byteLength / 2) };
  return { ws, sent };
}
const pcm = (seconds: number, rate = 22050): Pcm => ({ samples: new Float32Array(Math.round(seconds * rate)), sampleRate: rate });
const never = () => new AbortController().signal;
const END = JSON.stringify({ type: 'audio_end' });
const INTERRUPTED = JSON.stringify({ type: 'audio_end', interrupted: true });

/** Let sendAudio run until `done` holds (event-loop turns, no timers: the clock is manual). */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000 && !done(); turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(done()).toBe(true);
}

describe('reply audio on /api/audio', () => {
  it('sends a whole utterance in 100 ms messages between audio_start and audio_end', async () => {
    const { ws, sent } = socket();
    await sendAudio(ws, pcm(0.25), never());
    expect(sent).toEqual([JSON.stringify({ type: 'audio_start', sample_rate: 22050, channels: 1, format: 's16le' }), 2205, 2205, 1103, JSON.stringify({ type: 'audio_end' })]);
  });

  it('sends an utterance in pieces as they come, under one audio_start', async () => {
    const { ws, sent } = socket();
    let sentBeforeSecond = 0;
    const pieces = (async function* () {
      yield pcm(0.05);
      sentBeforeSecond = sent.length;
      yield pcm(0.15);
    })();
    await sendAudio(ws, pieces, never());
    expect(sentBeforeSecond).toBe(2); // audio_start and the first piece went out before the second was made
    expect(sent.slice(1)).toEqual([1103, 2205, 1103, JSON.stringify({ type: 'audio_end' })]);
  });

  it('a voice failing mid-utterance ends it as interrupted and rejects', async () => {
    const { ws, sent } = socket();
    const pieces = (async function* () {
      yield pcm(0.05);
      throw new Error('voice failed');
    })();
    await expect(sendAudio(ws, pieces, never())).rejects.toThrow('voice failed');
    expect(sent.at(-1)).toBe(JSON.stringify({ type: 'audio_end', interrupted: true }));
  });

  it('keeps a reply at most REPLY_LEAD_MS ahead of real time: it is over for Kiwi when it has played, not when it was sent', async () => {
    const { ws, sent } = socket();
    const clock = new ManualClock(0);
    let over = false;
    const sending = sendAudio(ws, pcm(1), never(), clock).then(() => (over = true));
    const ahead = Math.ceil(REPLY_LEAD_MS / 100) + 1; // 100 ms messages: the lead, and the one that passed it
    await until(() => clock.pendingCount === 1);
    expect(sent.length).toBe(1 + ahead); // audio_start and 400 ms of a 1 s reply: the rest waits for the clock
    await clock.advance(300);
    expect(sent.length).toBe(1 + ahead + 3);
    expect(over).toBe(false);
    await clock.advance(400); // 1 s has played but the lead: every message sent and the utterance over
    await sending;
    expect(sent.filter((m) => typeof m === 'number')).toHaveLength(10);
    expect(sent.at(-1)).toBe(END);
  });

  it('a stop mid-reply ends it at once as interrupted, with the rest never sent', async () => {
    const { ws, sent } = socket();
    const clock = new ManualClock(0);
    const stop = new AbortController();
    const sending = sendAudio(ws, pcm(3), stop.signal, clock);
    await until(() => clock.pendingCount === 1);
    await clock.advance(500);
    stop.abort();
    await sending;
    expect(sent.filter((m) => typeof m === 'number').length).toBeLessThan(10); // of 30
    expect(sent.at(-1)).toBe(INTERRUPTED);
  });

  it('after a pause in the voice the lead is still REPLY_LEAD_MS: the pause is not sent as a backlog at once', async () => {
    const { ws, sent } = socket();
    const clock = new ManualClock(0);
    let resume: () => void = () => undefined;
    const pieces = (async function* () {
      yield pcm(0.5);
      await new Promise<void>((resolve) => (resume = resolve)); // the next sentence takes 2 s to make
      yield pcm(1);
    })();
    const sending = sendAudio(ws, pieces, never(), clock);
    await clock.advance(2000); // the first 0.5 s has long played: the client is silent, waiting
    const beforeSecond = sent.length;
    resume();
    await until(() => clock.pendingCount === 1);
    // From the pause on, the client plays from now: 0.4 s of the second piece goes out, not all of it.
    expect(sent.length - beforeSecond).toBe(Math.ceil(REPLY_LEAD_MS / 100) + 1);
    await clock.advance(1000);
    await sending;
    expect(sent.at(-1)).toBe(END);
  });
});

