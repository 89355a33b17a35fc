/**
 * The numbers that decide when a voice is trusted, in one place. `threshold` is
 * config.voice.speaker_threshold: the cosine similarity at which a voice matches a profile.
 */

/** Shorter voiced audio is not identified at all (a cough, "yes"): it says too little about the voice. */
export const MIN_IDENTIFY_SECONDS = 0.4;

/**
 * A match updates the profile only this far above the threshold (halfway to 1, at least 0.05
 * above): a borderline match may be someone else, and must not teach the profile their voice.
 */
export const updateThreshold = (threshold: number): number => Math.min(0.98, threshold + Math.max(0.05, (1 - threshold) / 2));

/**
 * The most one passive update moves a profile (the weight of the new sample in the blend). A
 * false match that slips through moves a print by at most this share, and later true matches
 * pull it back.
 */
export const MAX_UPDATE_WEIGHT = 0.05;

/** An unknown sample is confident enough to learn a guest from with at least this much voice... */
export const GUEST_MIN_SECONDS = 1.5;
/** ...and when it is clearly unknown: this far below the threshold for every profile and Kiwi's own voice. */
export const GUEST_UNKNOWN_MARGIN = 0.1;

/**
 * The clips of one enrolment must agree with each other (each against the mean of the others) to
 * within this much below the threshold: it catches a wrong clip (another person) without
 * rejecting the ordinary spread between one person's recordings. Samples added to an existing
 * profile must match it at the threshold itself, as they would to be identified.
 */
export const CONSISTENCY_SLACK = 0.05;

/**
 * Enrolling a voice that sounds like an existing profile: it is that person (refused as a
 * duplicate) when its clips match the profile at least this close to how well they match each
 * other. Another voice can score above the threshold against a profile (GE2E puts the profiles of
 * two of the five Kokoro voices at 0.88), yet its clips agree with each other clearly better
 * (about 0.90 against 0.85): bench/results/speaker.json, enrolment.
 */
export const DUPLICATE_SLACK = 0.02;

/**
 * ...but a new print this close to a profile is that person whatever its clips say about each
 * other: two clips of similar sentences agree with each other (0.96) better than with a profile
 * made of other sentences, which let one voice enrol twice at 0.93. Measured on GE2E (13 voices:
 * the five Kokoro ones and eight espeak-ng ones; second enrolments of 2, 3, 6 and 10 clips): the
 * same voice scores 0.90-0.98 against its own profile, the closest two distinct Kokoro voices
 * (jf_nezumi, jf_gongitsune) 0.87-0.91. espeak-ng's en-us and en-gb+m3 score 0.93 and count as one
 * voice, as GE2E cannot tell them apart. Between the threshold and this, the rule above decides.
 * Test: enrolment-checks.models.test.ts.
 */
export const DUPLICATE_CERTAIN = 0.92;

/** Self-voice: reply audio with less voice than this (the wake cue, "OK") is not learned from. */
export const SELF_MIN_SECONDS = 1;
