import { DEFAULT_CONFIG, type Config } from '../main/contract/config.ts';
import { EventBus } from '../main/engine/events/event-bus.ts';
import { requireVerifiedModel } from '../main/engine/models/require.ts';
import { GE2E, loadGe2eOnnx, loadGe2eSherpa } from '../main/engine/models/testing/ge2e-embedders.ts';
import { KOKORO_FIXTURE, KOKORO_VOICES, KokoroSpeech, type KokoroVoice } from '../main/engine/models/testing/kokoro-voices.ts';
import type { Pcm, SpeakerEmbedder } from '../main/engine/stages.ts';
import { PARTIAL } from '../main/engine/stages/speaker/ge2e-encoder.ts';
import { prepareAudio } from '../main/speakers/identification/audio-prep.ts';
import { Enrollment } from '../main/speakers/identification/enrollment.ts';
import { SpeakerIdentification } from '../main/speakers/identification/speaker-identification.ts';
import { cosine, meanOfUnits } from '../main/speakers/identification/vectors.ts';
import { openSqliteStore } from '../main/store/sqlite-store.ts';
import { asSegment, ENROL_SENTENCES, SHORT_COMMANDS } from '../main/engine/models/testing/speaker-corpus.ts';
import { cohortNormalised, equalErrorRate, spread, type Trial } from './speaker-metrics.ts';
import { fixturesDir } from './voice-bench.ts';

/**
 * Speaker identification on five distinct neural voices (the Kokoro fixture's), with the speaker
 * model the tests run (GE2E). Each voice enrols with the three sentences of speaker-corpus.ts;
 * its ten short commands (about a second of voice each) are the probes.
 *
 * - verification: every probe against every profile (50 target, 200 non-target trials): EER of
 *   the cosine to the profile's print (what Kiwi decides with), and of two candidate levers: the
 *   score normalised against the probe's scores for the other profiles (a cohort), and the best
 *   cosine to any one enrolment clip (several embeddings per profile instead of their mean);
 * - enrolment: the five voices enrolled one after another through Kiwi's Enrollment, counting the
 *   voices refused as a duplicate of an earlier one;
 * - identification: every probe through Kiwi's SpeakerIdentification (right / unknown / wrong);
 * - unknown voices: each voice left out in turn, its commands heard by a household of the other
 *   four: how often one is taken for someone enrolled.
 */
export async function runSpeakerBench() {
  const modelsDir = fixturesDir();
  const speech = new KokoroSpeech(modelsDir);
  const dir = await requireVerifiedModel(GE2E, { modelsDir });
  const embedder = await loadGe2eOnnx(dir);
  const sherpa = await loadGe2eSherpa(dir);
  try {
    const clips: Clips = { enrol: new Map(), probe: new Map() };
    for (const voice of KOKORO_VOICES) {
      for (const [kind, texts] of [['enrol', ENROL_SENTENCES], ['probe', SHORT_COMMANDS]] as const) {
        const list: Pcm[] = [];
        for (const text of texts) list.push(asSegment(await speech.say(text, voice)));
        clips[kind].set(voice, list);
      }
    }
    const { prints, enrolClips, probes } = await embedAll(clips, embedder);
    // Before: a short probe was looped from its start only (one window); replayed by handing the
    // model that one window (exactly 1.6 s, which it embeds as it is).
    const singleLoop = new Map<KokoroVoice, Float32Array[]>();
    for (const voice of KOKORO_VOICES) {
      const list = [];
      for (const c of clips.probe.get(voice)!) list.push(await embedder.embed(loopedOnce(prepareAudio(c))));
      singleLoop.set(voice, list);
    }
    const probeSeconds = [...clips.probe.values()].flat().map((c) => prepareAudio(c).speechSeconds);

    const { raw, normalised, closestClip } = trials(prints, probes, enrolClips);
    const profileSimilarity = Object.fromEntries(
      KOKORO_VOICES.map((v) => [v, Object.fromEntries(KOKORO_VOICES.filter((w) => w !== v).map((w) => [w, round(cosine(prints.get(v)!, prints.get(w)!))]))]),
    );
    return {
      speaker_model: GE2E,
      voices: `${KOKORO_FIXTURE}: ${KOKORO_VOICES.join(', ')}`,
      labelled_set: {
        voices: KOKORO_VOICES.length,
        enrolment_clips_per_voice: ENROL_SENTENCES.length,
        probes_per_voice: SHORT_COMMANDS.length,
        probe_voice_seconds: spread(probeSeconds),
        trials: { target: raw.filter((t) => t.target).length, non_target: raw.filter((t) => !t.target).length },
      },
      profile_similarity: profileSimilarity,
      verification: {
        raw_cosine: { eer: round(equalErrorRate(raw).eer), at: round(equalErrorRate(raw).threshold), target: spread(pick(raw, true)), non_target: spread(pick(raw, false)) },
        cohort_normalised: { eer: round(equalErrorRate(normalised).eer), at: round(equalErrorRate(normalised).threshold) },
        closest_enrolment_clip: { eer: round(equalErrorRate(closestClip).eer), at: round(equalErrorRate(closestClip).threshold) },
      },
      identification_before: {
        rule: 'nearest profile at or above speaker_threshold, profiles as enrolled; each short probe looped from its start only',
        ...nearestProfile(prints, singleLoop, DEFAULT_CONFIG.voice.speaker_threshold),
      },
      identification_same_rule_now: { rule: 'the same, each short probe looped from four starting points', ...nearestProfile(prints, probes, DEFAULT_CONFIG.voice.speaker_threshold) },
      enrolment_before: enrolledBefore(prints, DEFAULT_CONFIG.voice.speaker_threshold),
      enrolment: await enrolmentRun(clips.enrol, embedder),
      identification: await identificationRun(clips, embedder, KOKORO_VOICES),
      unknown_voices: await unknownVoiceRun(clips, embedder),
      through_sherpa: await sherpaRun(clips, sherpa, { prints, enrolClips, probes }),
      note: 'synthetic voices (Kokoro-82M int8, its five Japanese voices speaking English through espeak-ng phonemes); GE2E (Resemblyzer) is the speaker model the tests run, a substitute for the catalog models that cannot be fetched here',
    };
  } finally {
    embedder.dispose();
    sherpa.dispose();
    speech.dispose();
  }
}

type Clips = Record<'enrol' | 'probe', Map<KokoroVoice, Pcm[]>>;

function household(embedder: SpeakerEmbedder, config: Config = DEFAULT_CONFIG) {
  const store = openSqliteStore(':memory:');
  const deps = { store, bus: new EventBus(), config: () => ({ ...config, voice: { ...config.voice, auto_learn_guests: false } }), embedder: () => embedder };
  return { store, enrollment: new Enrollment(deps), ident: new SpeakerIdentification(deps) };
}

function loopedOnce(audio: Pcm): Pcm {
  if (audio.samples.length >= PARTIAL) return audio;
  const out = new Float32Array(PARTIAL);
  for (let i = 0; i < PARTIAL; i++) out[i] = audio.samples[i % audio.samples.length]!;
  return { samples: out, sampleRate: audio.sampleRate };
}

function nearestProfile(prints: Map<KokoroVoice, Float32Array>, probes: Map<KokoroVoice, Float32Array[]>, threshold: number) {
  let right = 0;
  let unknown = 0;
  let wrong = 0;
  for (const [voice, list] of probes) {
    for (const probe of list) {
      const [best, score] = KOKORO_VOICES.map((v) => [v, cosine(prints.get(v)!, probe)] as const).reduce((a, b) => (b[1] > a[1] ? b : a));
      if (score < threshold) unknown++;
      else if (best === voice) right++;
      else wrong++;
    }
  }
  return { right, unknown, wrong, accuracy: round(right / (right + unknown + wrong)) };
}

/**
 * The rule before: a new voice whose print scored at or above speaker_threshold against any
 * enrolled profile was refused as a duplicate. Replayed on the same prints, in the same order.
 */
function enrolledBefore(prints: Map<KokoroVoice, Float32Array>, threshold: number) {
  const enrolled: KokoroVoice[] = [];
  const refused: string[] = [];
  for (const voice of KOKORO_VOICES) {
    const clash = enrolled.find((v) => cosine(prints.get(v)!, prints.get(voice)!) >= threshold);
    if (clash) refused.push(`${voice}: refused as ${clash} (similarity ${round(cosine(prints.get(clash)!, prints.get(voice)!))})`);
    else enrolled.push(voice);
  }
  return { threshold, enrolled: enrolled.length, refused };
}

async function enrolmentRun(enrol: Clips['enrol'], embedder: SpeakerEmbedder) {
  const { store, enrollment } = household(embedder);
  const refused: string[] = [];
  for (const voice of KOKORO_VOICES) {
    await enrollment.enrol({ name: voice, clips: enrol.get(voice)! }).catch((err: { code?: string; message: string }) => refused.push(`${voice}: ${err.code} ${err.message}`));
  }
  store.close();
  return { enrolled: KOKORO_VOICES.length - refused.length, refused };
}

async function identificationRun(clips: Clips, embedder: SpeakerEmbedder, enrolled: readonly KokoroVoice[]) {
  const { store, enrollment, ident } = household(embedder);
  const ids = new Map<string, KokoroVoice>();
  for (const voice of enrolled) ids.set((await enrollment.enrol({ name: voice, clips: clips.enrol.get(voice)! })).id, voice);
  let right = 0;
  let unknown = 0;
  const wrong: string[] = [];
  for (const voice of enrolled) {
    for (const [i, probe] of clips.probe.get(voice)!.entries()) {
      const who = await ident.identify(probe);
      if (who === null || who === 'self') unknown++;
      else if (ids.get(who.id) === voice) right++;
      else wrong.push(`${voice} "${SHORT_COMMANDS[i]}" taken for ${ids.get(who.id)} (${who.confidence})`);
    }
  }
  store.close();
  const total = right + unknown + wrong.length;
  return { probes: total, right, unknown, wrong: wrong.length, accuracy: round(right / total), wrong_cases: wrong };
}

async function unknownVoiceRun(clips: Clips, embedder: SpeakerEmbedder) {
  let probes = 0;
  const takenFor: string[] = [];
  for (const outsider of KOKORO_VOICES) {
    const { store, enrollment, ident } = household(embedder);
    const names = new Map<string, string>();
    for (const voice of KOKORO_VOICES.filter((v) => v !== outsider)) names.set((await enrollment.enrol({ name: voice, clips: clips.enrol.get(voice)! })).id, voice);
    for (const [i, probe] of clips.probe.get(outsider)!.entries()) {
      probes++;
      const who = await ident.identify(probe);
      if (who !== null && who !== 'self') takenFor.push(`${outsider} "${SHORT_COMMANDS[i]}" taken for ${names.get(who.id)} (${who.confidence})`);
    }
    store.close();
  }
  return { probes, false_accepts: takenFor.length, false_accept_rate: round(takenFor.length / probes), cases: takenFor };
}

/**
 * The same weights through sherpa-onnx's extractor and Kiwi's sherpa-speaker adapter (the fixture's
 * ge2e-sherpa.onnx, sherpa's fbank in): how closely its prints follow the onnx-ge2e ones on the same
 * clips, and the same verification, enrolment and identification runs.
 */
async function sherpaRun(clips: Clips, sherpa: SpeakerEmbedder, onnx: Embedded) {
  const { prints, enrolClips, probes } = await embedAll(clips, sherpa);
  const agreement = KOKORO_VOICES.flatMap((voice) => [
    cosine(prints.get(voice)!, onnx.prints.get(voice)!),
    ...probes.get(voice)!.map((p, i) => cosine(p, onnx.probes.get(voice)![i]!)),
  ]);
  const { raw, normalised } = trials(prints, probes, enrolClips);
  return {
    adapter: 'sherpa-speaker (sherpa-onnx SpeakerEmbeddingExtractor on a worker thread)',
    model_file: 'ge2e-sherpa.onnx',
    cosine_to_onnx_ge2e_same_clip: spread(agreement),
    verification: {
      raw_cosine: { eer: round(equalErrorRate(raw).eer), at: round(equalErrorRate(raw).threshold) },
      cohort_normalised: { eer: round(equalErrorRate(normalised).eer), at: round(equalErrorRate(normalised).threshold) },
    },
    enrolment: await enrolmentRun(clips.enrol, sherpa),
    identification: await identificationRun(clips, sherpa, KOKORO_VOICES),
    unknown_voices: await unknownVoiceRun(clips, sherpa),
  };
}

type Embedded = Awaited<ReturnType<typeof embedAll>>;

/** Each voice's enrolment clips and probes embedded (as Kiwi prepares audio), and its profile print (their mean). */
async function embedAll(clips: Clips, embedder: SpeakerEmbedder) {
  const prints = new Map<KokoroVoice, Float32Array>();
  const enrolClips = new Map<KokoroVoice, Float32Array[]>();
  const probes = new Map<KokoroVoice, Float32Array[]>();
  const embed = (pcm: Pcm) => embedder.embed(prepareAudio(pcm));
  for (const voice of KOKORO_VOICES) {
    const enrolled = [];
    for (const c of clips.enrol.get(voice)!) enrolled.push(await embed(c));
    prints.set(voice, meanOfUnits(enrolled));
    enrolClips.set(voice, enrolled);
    const ps = [];
    for (const c of clips.probe.get(voice)!) ps.push(await embed(c));
    probes.set(voice, ps);
  }
  return { prints, enrolClips, probes };
}

/** Every probe against every profile: the raw cosine, the cohort-normalised score and the best single enrolment clip. */
function trials(prints: Map<KokoroVoice, Float32Array>, probes: Map<KokoroVoice, Float32Array[]>, enrolClips: Map<KokoroVoice, Float32Array[]>) {
  const raw: Trial[] = [];
  const normalised: Trial[] = [];
  const closestClip: Trial[] = [];
  const printList = KOKORO_VOICES.map((v) => prints.get(v)!);
  for (const voice of KOKORO_VOICES) {
    for (const probe of probes.get(voice)!) {
      const scores = printList.map((p) => cosine(p, probe));
      const z = cohortNormalised(scores);
      KOKORO_VOICES.forEach((v, k) => {
        raw.push({ score: scores[k]!, target: v === voice });
        normalised.push({ score: z[k]!, target: v === voice });
        closestClip.push({ score: Math.max(...enrolClips.get(v)!.map((e) => cosine(e, probe))), target: v === voice });
      });
    }
  }
  return { raw, normalised, closestClip };
}

const pick = (trials: Trial[], target: boolean) => trials.filter((t) => t.target === target).map((t) => t.score);
const round = (x: number) => Math.round(x * 1000) / 1000;
