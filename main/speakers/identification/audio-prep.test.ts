import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import { EventBus } from '../../engine/events/event-bus.ts';
import { encodeWav } from '../../engine/audio/wav.ts';
import type { Pcm, SpeakerEmbedder } from '../../engine/stages.ts';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import { base64Bytes, enrolmentClip, prepareAudio, uploadedClips } from './audio-prep.ts';
import { Enrollment } from './enrollment.ts';
import { SLICE } from './sliced.ts';

/** 20 s at 48 kHz, a tone between 3 s quiet edges: a large upload, several slices long. */
const longClip = (): Pcm => ({
  samples: Float32Array.from({ length: 48_000 * 20 }, (_, i) => (i > 48_000 * 3 && i < 48_000 * 17 ? 0.3 * Math.sin(i / 9) : 0.0001 * Math.sin(i))),
  sampleRate: 48_000,
});

/** Counts turns of the event loop until stopped: how often other work got to run meanwhile. */
function loopTurns() {
  let turns = 0;
  let running = true;
  const tick = () => {
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get turns() {
      return turns;
    },
    stop: () => void (running = false),
  };
}

describe('enrolment uploads are read a slice at a time', () => {
  it('base64 over many slices decodes to the same bytes; a bad character in any slice, or misplaced padding, is a 400 naming the clip', async () => {
    const bytes = Buffer.from(Array.from({ length: SLICE * 3 * 3 + 2 }, (_, i) => (i * 7919) % 256));
    const text = bytes.toString('base64');
    expect(text.length).toBeGreaterThan(SLICE * 4 * 2);
    expect((await base64Bytes(text, 'audio[0]')).equals(bytes)).toBe(true);
    expect((await base64Bytes(`data:audio/wav;base64,${text}`, 'audio[0]')).equals(bytes)).toBe(true);
    const stray = `${text.slice(0, SLICE * 4 + 10)}!${text.slice(SLICE * 4 + 11)}`;
    const inner = `${text.slice(0, SLICE * 4 - 4)}AA==${text.slice(SLICE * 4)}`;
    for (const bad of [stray, inner, `=${text.slice(1)}`, text.slice(0, -1).slice(0, 4 * 10 + 1), '']) {
      await expect(base64Bytes(bad, 'audio[3]')).rejects.toMatchObject({ code: 'bad_audio', status: 400, message: expect.stringMatching(/^audio\[3\]: not base64/) });
    }
  });

  it('a long 48 kHz clip comes out as the one-shot preparation would, while the event loop keeps turning', async () => {
    const clip = longClip();
    const wav = encodeWav(clip).toString('base64');
    const loop = loopTurns();
    const [decoded] = await uploadedClips([wav]);
    const prepared = await enrolmentClip(decoded!, 'audio[0]');
    loop.stop();
    expect(loop.turns).toBeGreaterThanOrEqual(Math.ceil(decoded!.samples.length / SLICE)); // a turn after each slice of resampling (and of base64)
    const oneShot = prepareAudio(decoded!);
    expect(prepared.sampleRate).toBe(16_000);
    expect(prepared.speechSeconds).toBe(oneShot.speechSeconds);
    expect(prepared.samples).toEqual(oneShot.samples);
  });

  it('enrolment lets the event loop run while it prepares the clips, before the speaker model gets them', async () => {
    const turnsAtEmbed: number[] = [];
    let loop = loopTurns();
    const embedder: SpeakerEmbedder = {
      name: 'probe',
      model: 'test-model',
      dimension: 3,
      embed: async () => {
        turnsAtEmbed.push(loop.turns);
        return Float32Array.from([1, turnsAtEmbed.length === 1 ? 0 : 0.05, 0]);
      },
      dispose: () => undefined,
    };
    const store = openSqliteStore(':memory:');
    const enrollment = new Enrollment({ store, bus: new EventBus(), config: () => DEFAULT_CONFIG, embedder: () => embedder });
    const a = longClip();
    const b = { ...a, samples: a.samples.map((v, i) => (i === 48_000 * 10 ? v + 0.01 : v)) }; // another take: not the same recording
    loop = loopTurns();
    const speaker = await enrollment.enrol({ name: 'Anna', clips: [a, b] });
    loop.stop();
    expect(speaker).toMatchObject({ name: 'Anna', sample_count: 2 });
    expect(turnsAtEmbed[0]).toBeGreaterThan(0); // all at once on the main thread, this was 0
    store.close();
  });
});
