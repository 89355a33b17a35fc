import { z } from 'zod';
import { AUDIO_DEVICE_ID } from './audio.ts';

/** The config's voice and audio groups: listening, speaking and the headless sound devices. */

/** The enrolled owner talks without the wake word while no other voice has spoken for `guest_cooldown_s`. */
export const OwnerHandsFree = z
  .object({
    enabled: z.boolean().describe('the owner may speak without the wake word while no one else has spoken recently'),
    guest_cooldown_s: z.number().min(0).max(3600).describe('how long after another voice (unknown or another speaker) the wake word is needed again'),
  })
  .strict();

/** Said once when Kiwi has started with a voice. */
export const Greeting = z
  .object({
    enabled: z.boolean(),
    text: z.string().max(300).describe("what to say; empty: the language's own greeting"),
  })
  .strict();

/** Listening and speaking thresholds; the defaults were calibrated on the bench's test speech. */
export const VoiceSettings = z
  .object({
    vad_model: z.string().min(1).max(128).describe("'auto' or a vad model id"),
    vad_threshold: z.number().min(0.05).max(0.95).describe('Silero speech probability that counts as speech'),
    min_speech_ms: z.number().int().min(50).max(2000),
    min_silence_ms: z.number().int().min(100).max(3000).describe('end-of-speech silence before adaptation'),
    max_silence_ms: z.number().int().min(100).max(5000).describe('upper bound for adaptive end-of-speech silence'),
    max_utterance_s: z.number().min(1).max(60),
    preroll_ms: z.number().int().min(0).max(2000).describe('audio kept before speech starts, so the start of the wake word is never cut'),
    wake_threshold: z.number().min(0.05).max(0.99),
    wake_model: z.string().min(1).max(128).describe("'auto' or a wake model id (openWakeWord: the model for wake_word)"),
    wake_cue: z.boolean().describe('play a short tone after the wake word'),
    wake_confirm: z
      .enum(['transcript', 'off'])
      .describe("wake_word_engine kws: 'transcript' (two-stage) — the spotter proposes, the utterance's own transcript must start with the wake word or a sound-alike; 'off' — the spotter alone decides"),
    follow_up_s: z.number().min(0).max(60).describe('after a reply, the next utterance needs no wake word for this long'),
    speaker_model: z.string().min(1).max(128).describe("'auto' or a speaker-embedding model id"),
    speaker_threshold: z.number().min(0).max(1).describe('cosine similarity above which a voice matches a profile'),
    auto_learn_guests: z.boolean(),
    barge_in: z.boolean(),
    barge_in_threshold: z.number().min(0.05).max(0.99).describe('VAD threshold while Kiwi speaks (echo-aware: higher)'),
    speculative_ms: z.number().int().min(0).max(1000).describe('silence after which the utterance is transcribed ahead of the endpoint (0: off; default 40, was 150: the early transcript is often the final one, so when it starts counts in full)'),
    speculate_on_voice: z
      .boolean()
      .describe("start the early transcript when the voice itself has been quiet speculative_ms, while the VAD still hangs on (default true: ~100 ms sooner; the audio is cut where the VAD would not, and Whisper tiny.en hears a few commands differently there; false waits for the VAD's silence)"),
    smart_endpoint: z.boolean().describe('a complete command ends at its early transcript; an unfinished phrase waits longer'),
    provisional_end: z
      .boolean()
      .describe("a complete command for Kiwi ends as soon as its early transcript is back, before the VAD closes the stretch: one that only says something (the time, the date…) answers at once; any other (a timer, Home Assistant, the LLM) is carried out only once the endpoint confirms its words. Words that follow before the endpoint would have fallen join it, and the first turn is cancelled (default true: the built-in reply ~150 ms sooner, every command's transcript final at its early transcript; false waits for the endpoint)"),
    unfinished_silence_ms: z.number().int().min(100).max(5000).describe('silence an unfinished phrase ("set a timer for…") gets before the turn ends'),
    owner_hands_free: OwnerHandsFree,
    greeting: Greeting,
  })
  .strict();

/** audio.input / audio.output: a mode, or one device of the system's sound stack (`pulse:<name>`, `alsa:<pcm>`). */
const audioDevice = z.union([
  z.enum(['auto', 'system', 'none']),
  z.string().regex(AUDIO_DEVICE_ID, "auto, system, none, or a device id such as pulse:alsa_input.usb-mic (GET /api/audio/devices lists them)"),
]);

export const AudioSettings = z
  .object({
    input: audioDevice.describe('headless microphone: auto uses one if the system has it, or a device id from GET /api/audio/devices'),
    output: audioDevice.describe('headless speaker for replies: auto, system, none, or a device id from GET /api/audio/devices'),
  })
  .strict();
