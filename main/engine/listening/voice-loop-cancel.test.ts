import { describe, expect, it } from 'vitest';
import { heldVoiceLoop } from './testing/held-loop.ts';

/**
 * A source that leaves (socket closed, microphone unplugged) takes its pending work with it:
 * utterances it queued are not transcribed or answered afterwards. Stand-ins: a loudness VAD and
 * a recognizer the test releases by hand (the real stages are tested on real models elsewhere).
 */
describe('VoiceLoop.cancelSource', () => {
  it('drops the utterances a departed source left queued; other sources carry on', async () => {
    const { loop, stt, answered, results, utterance } = heldVoiceLoop();
    // Five utterances from a flooding client: the first is being transcribed, the rest wait behind it.
    for (let u = 0; u < 5; u++) await utterance('flood');
    expect(stt.waiting).toHaveLength(1);

    // It returns while the transcription in hand is still held by the test: it does not wait for it.
    await loop.cancelSource('flood');
    expect(stt.waiting.length).toBeGreaterThan(0);
    while (stt.waiting.length > 0) await stt.release();
    expect(answered).toEqual([]);
    // Each turn still ends (TURN_FINISHED), saying why it was not answered.
    expect(results.map((r) => r.ignored)).toEqual(Array(5).fill('the source left'));

    // A source still here is understood as before.
    await utterance('mic');
    await new Promise((r) => setTimeout(r, 0));
    await stt.release();
    expect(answered).toEqual(['mic']);
  });
});

describe('VoiceLoop backlog', () => {
  it('keeps at most three utterances waiting: a newer one pushes the oldest waiting one out, said so', async () => {
    const { stt, answered, results, utterance } = heldVoiceLoop();
    // Six utterances from two microphones while the first is still being transcribed.
    for (const source of ['a', 'b', 'a', 'b', 'a', 'b']) await utterance(source);
    expect(stt.waiting).toHaveLength(1);
    for (let turns = 0; turns < 4; turns++) {
      await stt.release();
      await new Promise((r) => setTimeout(r, 0)); // dropped turns end without transcribing
    }
    expect(stt.waiting).toHaveLength(0);
    // The first (already being understood) and the three newest are answered; the 2nd and 3rd were dropped.
    expect(answered).toEqual(['a', 'b', 'a', 'b']);
    expect(results.map((r) => r.ignored ?? 'answered')).toEqual([
      'answered',
      'dropped: 3 newer utterances were waiting (Kiwi fell behind)',
      'dropped: 3 newer utterances were waiting (Kiwi fell behind)',
      'answered',
      'answered',
      'answered',
    ]);
  });
});
