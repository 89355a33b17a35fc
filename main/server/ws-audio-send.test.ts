import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import type { Pcm } from '../engine/stages.ts';
import { sendAudio } from './ws-audio.ts';

/** The part of a ws socket sendAudio uses, recording what was sent. */
function socket() {
  const sent: Array<string | number> = [];
  const ws = { OPEN: 1, readyState: 1, bufferedAmount: 0, send: (data: string | Buffer) => sent.push(typeof data === 'string' ? data : data.byteLength / 2), close: () => undefined };
  return { ws: ws as unknown as WebSocket, sent };
}
const pcm = (seconds: number, rate = 22050): Pcm => ({ samples: new Float32Array(Math.round(seconds * rate)), sampleRate: rate });
const never = () => new AbortController().signal;

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
});
