import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import { EventBus } from '../../engine/events/event-bus.ts';
import { requireVerifiedModel } from '../../engine/models/require.ts';
import { describeWithModels } from '../../engine/models/testing/model-env.ts';
import { GE2E, loadGe2eOnnx } from '../../engine/models/testing/ge2e-embedders.ts';
import { asSegment, ENROL_SENTENCES } from '../../engine/models/testing/speaker-corpus.ts';
import { concat, silence, speak, speechToolsMissing } from '../../engine/models/testing/speech.ts';
import { SileroVad, sileroOptions } from '../../engine/stages/vad/silero-vad.ts';
import type { Pcm, SpeakerEmbedder } from '../../engine/stages.ts';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import type { Store } from '../../store/store.ts';
import { prepareAudio } from './audio-prep.ts';
import { Enrollment } from './enrollment.ts';
import { refuseNonSpeech, speechSeconds } from './speech-check.ts';
import { chordMelody } from './testing/music.ts';

// The two ways a wrong enrolment got through, on the real GE2E speaker model and the real Silero
// VAD: one voice enrolled again under another name with two similar sentences (its clips agree
// with each other at 0.96, better than with its profile at 0.93), and music as a "voice".
const say = (text: string, voice: string): Pcm => asSegment({ samples: speak(text, voice), sampleRate: 16000 });
const SIMILAR = ['Please set a timer for five minutes.', 'Please set a timer for ten minutes.'];

describeWithModels('enrolment refuses a voice enrolled twice and clips without speech (real GE2E and Silero VAD)', (modelsDir) => {
  let embedder: SpeakerEmbedder;
  let vad: SileroVad;
  let store: Store;
  let enrollment: Enrollment;
  const config = structuredClone(DEFAULT_CONFIG);

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    embedder = await loadGe2eOnnx(await requireVerifiedModel(GE2E, { modelsDir }));
    vad = new SileroVad(path.join(await requireVerifiedModel('silero-vad', { modelsDir }), 'silero_vad.onnx'), sileroOptions(config.voice));
    store = openSqliteStore(':memory:');
    enrollment = new Enrollment({ store, bus: new EventBus(), config: () => config, embedder: () => embedder, vad: () => vad });
    // Three espeak-ng voices GE2E tells apart: three people.
    for (const [name, voice] of [['Anna', 'en-us+f3'], ['Ben', 'en-us+klatt'], ['Cleo', 'en-us+iven']]) {
      await enrollment.enrol({ name: name!, clips: ENROL_SENTENCES.map((t) => say(t, voice!)) });
    }
  }, 120_000);
  afterAll(() => {
    embedder?.dispose();
    vad?.dispose();
    store?.close();
  });

  it.each([
    ['Anna', 'en-us+f3'],
    ['Ben', 'en-us+klatt'],
    ['Cleo', 'en-us+iven'],
  ])('refuses %s (%s) enrolled again under another name from two similar sentences, naming the profile', async (name, voice) => {
    const again = enrollment.enrol({ name: `${name} again`, clips: SIMILAR.map((t) => say(t, voice)) });
    await expect(again).rejects.toMatchObject({ code: 'voice_already_enrolled', status: 409, message: expect.stringContaining(`already enrolled as ${name}`) });
    expect(store.speakers.list().map((s) => s.name)).toEqual(['Anna', 'Ben', 'Cleo']);
  }, 60_000);

  it('still enrols another voice from two similar sentences', async () => {
    await expect(enrollment.enrol({ name: 'Dora', clips: SIMILAR.map((t) => say(t, 'en-us+anika')) })).resolves.toMatchObject({ name: 'Dora', sample_count: 2 });
  }, 60_000);

  it('refuses music with not_speech naming the speech found and needed; speech still enrols', async () => {
    const music = chordMelody();
    const prepared = prepareAudio(music);
    const found = await speechSeconds(vad, config.voice.vad_threshold, prepared);
    const spoken = prepareAudio(say(ENROL_SENTENCES[0]!, 'en-us+travis'));
    const heard = await speechSeconds(vad, config.voice.vad_threshold, spoken);
    console.log(`speech: music ${found.toFixed(2)} s of ${(prepared.samples.length / 16000).toFixed(2)} s (energy check: ${prepared.speechSeconds.toFixed(2)} s of "voice"); a sentence ${heard.toFixed(2)} s of ${(spoken.samples.length / 16000).toFixed(2)} s`);
    expect(prepared.speechSeconds).toBeGreaterThan(1); // loud enough for the energy check alone
    await expect(enrollment.enrol({ name: 'Radio', clips: [music] })).rejects.toMatchObject({
      code: 'not_speech',
      status: 400,
      message: expect.stringMatching(/^audio\[0\]: only 0\.\d\d s of speech in 5\.\d\d s of sound \(\d+ %\); each clip needs at least 0.5 s of speech/),
    });
    // One music clip among speech clips is named; adding music to a profile is refused too.
    const clips = [say(ENROL_SENTENCES[0]!, 'en-us+travis'), music];
    await expect(enrollment.enrol({ name: 'Eve', clips })).rejects.toMatchObject({ code: 'not_speech', message: expect.stringContaining('audio[1]') });
    const anna = store.speakers.list().find((s) => s.name === 'Anna')!;
    await expect(enrollment.addSamples(anna.id, [music])).rejects.toMatchObject({ code: 'not_speech' });
    await expect(enrollment.enrol({ name: 'Eve', clips: ENROL_SENTENCES.map((t) => say(t, 'en-us+travis')) })).resolves.toMatchObject({ name: 'Eve', sample_count: 3 });
  }, 60_000);

  it('takes a 5 s recording with a long pause in it: the end of a phrase, 3.5 s of quiet, the start of it again', async () => {
    // What the dashboard's fixed 5 s take of a looped phrase can hold (e2e/microphone.e2e.ts); a person pausing mid-take is the same.
    const phrase = speak('Kiwi, what time is it?', 'en-us');
    const cut = phrase.length - 8000;
    const take = { samples: concat(phrase.subarray(cut), silence(3.5), phrase.subarray(0, 16000)), sampleRate: 16000 };
    const prepared = prepareAudio(take);
    const found = await speechSeconds(vad, config.voice.vad_threshold, prepared);
    console.log(`speech: paused take ${found.toFixed(2)} s of ${(prepared.samples.length / 16000).toFixed(2)} s`);
    await expect(refuseNonSpeech(vad, config.voice.vad_threshold, prepared, 'take')).resolves.toBeUndefined();
  });
});
