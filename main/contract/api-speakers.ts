import { z } from 'zod';

/* Speakers and their memory: /api/speakers bodies (re-exported by api.ts). */

/** Priorities as stored and sent (owner 0, friend 1, guest 2, blocked 99); main/speakers/roles.ts turns them into roles. */
export const PRIORITIES = { owner: 0, friend: 1, guest: 2, blocked: 99 } as const;
export const Priority = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(99)]);
export type Priority = z.infer<typeof Priority>;
/** What a voice may do: its priority's role, `unknown` for an unknown voice, `blocked` for a blocked one. */
export const SpeakerRole = z.enum(['owner', 'friend', 'guest', 'unknown', 'blocked']);
export type SpeakerRole = z.infer<typeof SpeakerRole>;

export const SpeakerId = z.string().regex(/^spk_[a-z0-9_]{1,48}$/, 'a speaker id looks like spk_001');

export const Speaker = z.object({
  id: SpeakerId,
  name: z.string(),
  priority: Priority.describe('owner 0, friend 1, guest 2, blocked 99'),
  is_blocked: z.boolean(),
  auto_learned: z.boolean(),
  sample_count: z.number().int(),
  last_seen: z.string().nullable().describe('ISO-8601 with UTC offset'),
});
export type Speaker = z.infer<typeof Speaker>;

export const SpeakerList = z.object({ speakers: z.array(Speaker) });
export const SpeakerParams = z.object({ speaker_id: SpeakerId });
export const SpeakerPatch = z
  .object({
    name: z.string().trim().min(1).max(64),
    priority: z
      .union([z.literal(0), z.literal(1), z.literal(2)])
      .describe('0 makes this speaker the owner (the owner until now becomes a friend); the owner itself changes only by making someone else the owner'),
  })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'give name and/or priority');

/** Enrolment bodies carry audio: this route's JSON limit (every other route keeps 64 KiB). */
export const ENROLL_BODY_LIMIT_BYTES = 8 * 1024 * 1024;
const WavClip = z
  .string()
  .min(16)
  .max(ENROLL_BODY_LIMIT_BYTES)
  .describe('a WAV file (PCM 8/16/24/32-bit or float, any rate, mono or stereo), base64-encoded; a data:audio/...;base64, prefix is allowed');
const WavClips = z.array(WavClip).min(1).max(10).describe('1 to 10 clips of one voice, each with at least 1 s of speech and at most 30 s long');
export const EnrollPriority = z.union([z.enum(['owner', 'friend', 'guest', 'blocked']), Priority]);
export const SpeakerEnrollBody = z
  .object({
    name: z.string().trim().min(1).max(64),
    priority: EnrollPriority.optional().describe('default guest; owner only if there is none yet (409 otherwise); blocked enrols a voice to ignore'),
    audio: WavClips,
  })
  .strict();
export const SpeakerSamplesBody = z.object({ audio: WavClips }).strict();

/** Memory per speaker (main/memory): remembered facts and the running conversations. */
export const MemoryFactId = z.string().regex(/^mem_[0-9]{1,12}$/, 'a memory fact id looks like mem_12');
export const MemoryFactParams = z.object({ speaker_id: SpeakerId, fact_id: MemoryFactId });
const MemoryMessage = z.object({ role: z.enum(['user', 'assistant']), content: z.string() });
export const SpeakerMemory = z.object({
  speaker_id: SpeakerId,
  facts: z
    .array(z.object({ id: MemoryFactId, text: z.string(), created_at: z.string().describe('ISO-8601 with UTC offset') }))
    .describe("what the speaker asked Kiwi to remember, oldest first; added into that speaker's LLM prompts only"),
  max_facts: z.number().int(),
  conversation: z.array(MemoryMessage).describe('the running conversation with everyday souls, oldest first (POST /api/reset-context clears it)'),
  nsfw_conversation: z.array(MemoryMessage).describe('the separate running conversation with 18+ souls'),
});
export const SpeakerMemoryCleared = z.object({
  speaker_id: SpeakerId,
  deleted_facts: z.number().int(),
  deleted_messages: z.number().int(),
  deleted_turns: z.number().int().describe('their turns in the conversation history (GET /api/conversation)'),
});
