import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import type { EventEnvelope } from '../../contract/events.ts';
import { AudioHub } from '../../engine/audio/audio-hub.ts';
import { EventBus } from '../../engine/events/event-bus.ts';
import { requireVerifiedModel } from '../../engine/models/require.ts';
import { describeWithModels } from '../../engine/models/testing/model-env.ts';
import { loadSherpa, type SherpaTts } from '../../engine/models/testing/sherpa.ts';
import { concat, speak, speechToolsMissing } from '../../engine/models/testing/speech.ts';
import { OnnxGe2e } from '../../engine/stages/speaker/onnx-ge2e.ts';
import type { Pcm } from '../../engine/stages.ts';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import type { Store } from '../../store/store.ts';
import { prepareAudio } from './audio-prep.ts';
import { Enrollment } from './enrollment.ts';
import { SpeakerIdentification } from './speaker-identification.ts';
import { cosine } from './vectors.ts';

// Speaker identification end to end on a real speaker model (Resemblyzer's GE2E encoder, the
// substitute installed here for the catalog's sherpa models) and real speech from espeak-ng
// voices, cut as the VAD delivers it (room noise before and after). Kiwi's own voice is the real
// Piper "joe" voice.
//
// The espeak-ng voices used are the ones GE2E tells apart (profiles at cosine < 0.8 from each
// other). Some espeak-ng variants are the same voice to it (en-us vs en-us+m3: 0.93): those are
// used below only as the "false match" a threshold cannot stop.
const THRESHOLD = 0.8;
const ENROL = [
  'The quick brown fox jumps over the lazy dog near the river bank.',
  'Please remind me to call my sister tomorrow morning at nine.',
  'I would like a cup of tea and some biscuits this afternoon.',
];
const COMMANDS = [
  'Kiwi, what is the weather like today?',
  'Turn off the lights in the kitchen please.',
  'Set a timer for twenty minutes.',
  'Play some quiet music in the living room.',
];
const SHORT = ['Kiwi, lights on.', 'What time is it?', 'Stop the music.', 'Good morning.'];

let seed = 11;
const hiss = (seconds: number) => Float32Array.from({ length: Math.round(seconds * 16000) }, () => 0.006 * ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5));
/** An utterance as a listening segment: pre-roll and end-of-speech silence with a little room noise. */
const utterance = (text: string, voice: string): Pcm => ({ samples: concat(hiss(0.6), speak(text, voice), hiss(0.7)), sampleRate: 16000 });

describeWithModels('speaker identification (real GE2E model, espeak-ng and Piper voices)', (modelsDir) => {
  let embedder: OnnxGe2e;
  let store: Store;
  let bus: EventBus;
  let events: EventEnvelope[];
  let config: Config;
  let ident: SpeakerIdentification;
  let enrollment: Enrollment;
  let tts: SherpaTts;
  const ids: Record<string, string> = {};

  const embed = async (pcm: Pcm) => embedder.embed(prepareAudio(pcm));
  const piper = (text: string): Pcm => {
    const out = tts.generate({ text, sid: 0, speed: 1, enableExternalBuffer: false });
    return { samples: out.samples, sampleRate: out.sampleRate };
  };

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    const dir = await requireVerifiedModel('speaker-substitute-resemblyzer-ge2e', { modelsDir });
    embedder = await OnnxGe2e.load(path.join(dir, 'ge2e.onnx'), 'speaker-substitute-resemblyzer-ge2e', { threads: 1 });
    const piperDir = await requireVerifiedModel('tts-piper-en-us-joe-medium', { modelsDir });
    tts = new (loadSherpa().OfflineTts)({
      model: {
        vits: { model: path.join(piperDir, 'en_US-joe-medium.onnx'), tokens: path.join(piperDir, 'tokens.txt'), dataDir: path.join(piperDir, 'espeak-ng-data') },
        numThreads: 1,
        provider: 'cpu',
        debug: false,
      },
      maxNumSentences: 1,
    });
    store = openSqliteStore(':memory:');
    bus = new EventBus();
    events = [];
    bus.subscribe((e) => events.push(e));
    config = structuredClone(DEFAULT_CONFIG);
    config.voice.speaker_threshold = THRESHOLD;
    // Utterances spaced as a person speaks now and then (guest learning ignores samples faster than speech).
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const deps = { store, bus, config: () => config, embedder: () => embedder, now: () => (clock += 30_000) };
    ident = new SpeakerIdentification(deps);
    enrollment = new Enrollment(deps);
  }, 120_000);
  afterAll(() => {
    embedder?.dispose();
    store?.close();
  });

  it('measures: same voice vs different voices (calibration of speaker_threshold)', async () => {
    const voices = ['en-us', 'en-us+f3', 'en-us+klatt', 'en-us+iven', 'en-us+anika', 'en-us+travis'];
    const prints: Record<string, Float32Array> = {};
    const probes: Record<string, Float32Array[]> = {};
    for (const v of voices) {
      const enrolled = await Promise.all(ENROL.map((t) => embed(utterance(t, v))));
      prints[v] = enrolled.reduce((a, b) => a.map((x, i) => x + b[i]!)).map((x) => x / 3);
      probes[v] = [];
      for (const t of COMMANDS) probes[v].push(await embed(utterance(t, v)));
    }
    const same: number[] = [];
    const other: number[] = [];
    for (const v of voices) {
      for (const p of probes[v]!) {
        same.push(cosine(p, prints[v]!));
        for (const w of voices) if (w !== v) other.push(cosine(p, prints[w]!));
      }
    }
    const stats = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return `n=${s.length} min ${s[0]!.toFixed(3)} median ${s[s.length >> 1]!.toFixed(3)} max ${s.at(-1)!.toFixed(3)}`;
    };
    console.log(`1.5-2.5 s commands vs a 3-clip profile: same voice ${stats(same)}; other voices ${stats(other)}`);
    expect(Math.min(...same)).toBeGreaterThan(THRESHOLD);
    expect(Math.max(...other)).toBeLessThan(THRESHOLD);
  }, 120_000);

  it('enrols the owner only when asked, then friends and guests; refuses a second owner and a duplicate', async () => {
    const clips = (voice: string) => ENROL.map((t) => utterance(t, voice));
    const anna = await enrollment.enrol({ name: 'Anna', priority: 'owner', clips: clips('en-us') });
    expect(anna).toMatchObject({ name: 'Anna', priority: 0, sample_count: 3, auto_learned: false, is_blocked: false });
    await expect(enrollment.enrol({ name: 'Mallory', priority: 0, clips: clips('en-us+anika') })).rejects.toMatchObject({ status: 409 });
    const ben = await enrollment.enrol({ name: 'Ben', priority: 'friend', clips: clips('en-us+f3') });
    const cleo = await enrollment.enrol({ name: 'Cleo', clips: clips('en-us+klatt').slice(0, 2) });
    expect(ben.priority).toBe(1);
    expect(cleo).toMatchObject({ priority: 2, sample_count: 2 });
    // Anna again under another name: the same voice would make identification a coin toss.
    await expect(enrollment.enrol({ name: 'Anna B', clips: [utterance(COMMANDS[0]!, 'en-us'), utterance(COMMANDS[1]!, 'en-us')] })).rejects.toMatchObject({
      code: 'voice_already_enrolled',
      status: 409,
    });
    await expect(enrollment.enrol({ name: 'anna', clips: clips('en-us+anika') })).rejects.toMatchObject({ status: 409 });
    Object.assign(ids, { anna: anna.id, ben: ben.id, cleo: cleo.id });
    expect(events.filter((e) => e.event === 'SPEAKER_ADDED')).toHaveLength(3);
  }, 120_000);

  it('refuses clips of two voices in one enrolment, silence, and samples that do not sound like the profile', async () => {
    await expect(
      enrollment.enrol({ name: 'Mixed', clips: [utterance(ENROL[0]!, 'en-us+iven'), utterance(ENROL[1]!, 'en-us+iven'), utterance(ENROL[2]!, 'en-us+anika')] }),
    ).rejects.toMatchObject({ code: 'inconsistent_samples', status: 400, message: expect.stringContaining('audio[2]') });
    await expect(enrollment.enrol({ name: 'Quiet', clips: [{ samples: hiss(3), sampleRate: 16000 }] })).rejects.toMatchObject({ code: 'audio_too_short', status: 400 });
    await expect(enrollment.addSamples(ids.ben!, [utterance(COMMANDS[2]!, 'en-us+anika')])).rejects.toMatchObject({ code: 'voice_mismatch', status: 409 });
    const more = await enrollment.addSamples(ids.ben!, [utterance(COMMANDS[2]!, 'en-us+f3')]);
    expect(more.sample_count).toBe(4);
    expect(store.speakers.list().map((s) => s.name)).toEqual(['Anna', 'Ben', 'Cleo']);
  }, 120_000);

  it('identifies enrolled voices from spoken commands and does not identify an unenrolled one', async () => {
    for (const [voice, id] of [['en-us', ids.anna], ['en-us+f3', ids.ben], ['en-us+klatt', ids.cleo]] as const) {
      for (const text of COMMANDS) {
        const result = await ident.identify(utterance(text, voice));
        expect(result, `${voice}: ${text}`).toMatchObject({ id, blocked: false });
      }
    }
    // Guest learning off here: four utterances of an unknown voice would (rightly) make a guest.
    config.voice.auto_learn_guests = false;
    for (const text of COMMANDS) expect(await ident.identify(utterance(text, 'en-us+anika')), text).toBeNull();
    config.voice.auto_learn_guests = true;
    const announced = events.filter((e) => e.event === 'SPEAKER_IDENTIFIED');
    expect(announced.length).toBeGreaterThanOrEqual(12);
    expect(announced[0]!.data).toMatchObject({ id: ids.anna, name: 'Anna', priority: 0, blocked: false });

    // One-second commands carry less voice: some are unknown, none is taken for someone else.
    let known = 0;
    for (const [voice, id] of [['en-us', ids.anna], ['en-us+f3', ids.ben], ['en-us+klatt', ids.cleo]] as const) {
      for (const text of SHORT) {
        const result = await ident.identify(utterance(text, voice));
        if (result !== null) expect(result, `${voice}: ${text}`).toMatchObject({ id });
        if (result !== null) known++;
      }
    }
    console.log(`short commands identified: ${known}/12 (the rest unknown, none wrong)`);
    expect(known).toBeGreaterThanOrEqual(6);
  }, 120_000);

  it('identifies a blocked speaker, marked blocked', async () => {
    const eve = await enrollment.enrol({ name: 'Eve', priority: 'blocked', clips: ENROL.map((t) => utterance(t, 'en-us+iven')) });
    expect(eve).toMatchObject({ priority: 99, is_blocked: true });
    expect(await ident.identify(utterance(COMMANDS[0]!, 'en-us+iven'))).toMatchObject({ id: eve.id, name: 'Eve', blocked: true });
    expect(events.at(-1)).toMatchObject({ event: 'SPEAKER_IDENTIFIED', data: { id: eve.id, blocked: true } });
  }, 60_000);

  it('a single false match moves a profile only a little', async () => {
    // en-us+m3 is another espeak-ng voice that GE2E cannot tell from en-us (Anna): a real false accept.
    const impostor = utterance('Unlock the front door and turn off the alarm.', 'en-us+m3');
    const annaProbe = await embed(utterance(COMMANDS[3]!, 'en-us'));
    const print0 = store.speakers.get(ids.anna!)!.embedding!;
    // At the threshold: accepted, but not confident enough to teach the profile anything.
    const accepted = await ident.identifyDetailed(impostor);
    expect(accepted).toMatchObject({ kind: 'speaker', speaker: { id: ids.anna }, updated: false });
    expect(store.speakers.get(ids.anna!)!.embedding).toEqual(print0);
    // With a careless threshold the same false match is "confident" and does teach the profile, by a bounded step.
    config.voice.speaker_threshold = 0.6;
    try {
      const learned = await ident.identifyDetailed(impostor);
      expect(learned).toMatchObject({ kind: 'speaker', speaker: { id: ids.anna }, updated: true });
    } finally {
      config.voice.speaker_threshold = THRESHOLD;
    }
    const print1 = store.speakers.get(ids.anna!)!.embedding!;
    const moved = 1 - cosine(print1, print0);
    const drift = cosine(annaProbe, print1) - cosine(annaProbe, print0);
    console.log(`false match at ${(accepted as { speaker: { confidence: number } }).speaker.confidence}: profile moved by 1-cos = ${moved.toExponential(2)}, Anna's own probe changed by ${drift.toFixed(4)}`);
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(0.001);
    expect(Math.abs(drift)).toBeLessThan(0.005);
    expect(await ident.identify(utterance(COMMANDS[2]!, 'en-us'))).toMatchObject({ id: ids.anna });
  }, 60_000);

  it('learns an unknown voice as a guest only after repeated consistent samples', async () => {
    const before = store.speakers.list().length;
    const travis = ['Could you tell me how long it takes to get to the airport?', 'I think I left my umbrella somewhere in the hallway.', 'Can you play the news from this morning for me please?', 'What should I cook for dinner tonight with some rice?', 'Remind me to water the plants in the garden on Sunday.'];
    const results = [];
    for (const [i, text] of travis.entries()) {
      results.push(await ident.identifyDetailed(utterance(text, 'en-us+travis')));
      // Someone else says one thing in between: never a guest of their own, never merged in.
      if (i < 2) expect((await ident.identifyDetailed(utterance(text, 'en-us+kaukovalta'))).kind).toBe('unknown');
    }
    const learnedAt = results.findIndex((r) => r.kind === 'speaker' && r.learned);
    console.log(`guest learned at utterance ${learnedAt + 1}: ${results.map((r) => r.kind).join(', ')}`);
    expect(learnedAt).toBeGreaterThanOrEqual(2);
    const guests = store.speakers.list().filter((s) => s.auto_learned);
    expect(guests).toHaveLength(1);
    expect(guests[0]).toMatchObject({ name: 'Guest 1', priority: 2, is_blocked: false });
    expect(store.speakers.list()).toHaveLength(before + 1);
    for (const r of results.slice(learnedAt + 1)) expect(r).toMatchObject({ kind: 'speaker', speaker: { id: guests[0]!.id } });
  }, 120_000);

  it("recognises Kiwi's own voice once it has heard itself speak, and never learns it as a guest", async () => {
    const reply = piper('It is twenty past nine. Shall I turn on the lights in the kitchen?');
    expect(await ident.identify(reply)).toBeNull(); // before Kiwi has spoken: just an unknown voice
    // Kiwi's replies as the audio hub plays them (the runtime taps AudioHub.onPlay into hearOwnVoice).
    const hub = new AudioHub();
    hub.onPlay((audio) => ident.hearOwnVoice(audio));
    for (const text of ['Hello, I am Kiwi. How can I help?', 'The timer is set for twenty minutes.', 'Here is the weather for today: sunny and warm.']) {
      await hub.play(piper(text), new AbortController().signal);
    }
    await expect.poll(() => ident.ownVoiceSamples(), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    const profiles = store.speakers.list().length;
    for (const text of ['Okay, turning off the lights in the living room.', 'I did not catch that, could you say it again?', 'Your next meeting starts in fifteen minutes.', 'Playing some quiet music now.']) {
      const heard = await ident.identifyDetailed(piper(text));
      expect(heard, text).toMatchObject({ kind: 'self' });
    }
    expect(store.speakers.list()).toHaveLength(profiles);
    // People are still people.
    expect(await ident.identify(utterance(COMMANDS[1]!, 'en-us'))).toMatchObject({ id: ids.anna });
    expect(await ident.identify(utterance(COMMANDS[1]!, 'en-us+f3'))).toMatchObject({ id: ids.ben });
  }, 120_000);
});
