import { z } from 'zod';
import { ConfigPatchSchema, ConfigView, Scope, SoulId } from './config.ts';
import { EngineState } from './state.ts';
import { LanguageCode, LANGUAGES } from './languages.ts';

/** Request and response bodies of the REST API (the seed's shapes, extended only compatibly). */

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Where Kiwi stands with its OpenClaw gateway; pairing_required: approve Kiwi on the gateway. */
export const OpenClawPairingState = z.enum(['idle', 'connecting', 'connected', 'pairing_required', 'refused', 'unreachable']);

export const Status = z.object({
  state: EngineState,
  language: LanguageCode,
  tts_provider: z.string().describe("the voice that speaks now: the configured one, 'system' when Kiwi fell back to it, 'none' when no voice works"),
  tts_configured: z.string().describe('the voice config asks for (tts_provider in /api/config)'),
  voice: z
    .object({
      voices: z.array(z.string()).describe("the speaking model's voices, in speaker-id order; tts_voice picks one by name (or number)"),
      speaking: z.string().describe('the one that speaks'),
      note: z.string().nullable().describe('set when tts_voice is not one of them: which voice speaks instead'),
    })
    .nullable()
    .optional()
    .describe('the voice within the speaking model; null when it has only one'),
  is_speaking: z.boolean(),
  is_processing: z.boolean().describe('true while PROCESSING or THINKING'),
  is_running: z.boolean(),
  uptime_seconds: z.number().int(),
  active_speaker: z.string().nullable().describe('name of the speaker of the current or last turn'),
  active_soul: z.string().describe('id of the active soul'),
  homeassistant_connected: z.boolean(),
  listening: z.boolean().describe('Kiwi listens now: on in config and its listening stages (vad, stt) are there'),
  household_open: z.boolean().describe('no owner is enrolled yet: every voice may change the soul and language as the owner could'),
  hands_free_active: z.boolean().describe('voice.owner_hands_free: the owner may speak without the wake word now'),
  web_audio_clients: z.number().int(),
  missing: z.array(z.string()).describe('engine parts that are not available, with the reason'),
  rebuilding: z.array(z.string()).describe('stages being rebuilt after a config change (`stage: why`); requests that need one answer 503 rebuilding meanwhile'),
  openclaw: z
    .object({
      state: OpenClawPairingState,
      gateway: z.string().nullable(),
      device_id: z.string().nullable().describe("Kiwi's device id, as `openclaw devices list` shows it"),
      request_id: z.string().nullable().describe('the pending pairing request: `openclaw devices approve <request_id>`'),
      scopes: z.array(z.string()),
      message: z.string().nullable(),
      since: z.string(),
    })
    .nullable()
    .optional()
    .describe('llm.provider openclaw only: where Kiwi stands with the gateway'),
  system_microphone: z
    .object({
      state: z.enum(['listening', 'restarting', 'stopped']),
      recorder: z.string().describe('parec, arecord, rec or ffmpeg-dshow'),
      restarts: z.number().int().describe('times the recorder was started again after it died'),
      last_error: z.string().nullable(),
    })
    .nullable()
    .optional()
    .describe('the headless server\'s own microphone (null when none is used); it restarts itself with backoff when its recorder dies'),
  wake_word_engine: z
    .enum(['kws', 'openwakeword', 'text'])
    .describe('the wake engine listening now: the configured one, or text (the transcript) when it has no usable model'),
  wake_confirm: z
    .enum(['transcript', 'off'])
    .nullable()
    .optional()
    .describe("with wake_word_engine kws: 'transcript' when the utterance's transcript confirms the spotter (two-stage wake), 'off' when the spotter decides alone; null for other engines"),
  fallbacks: z
    .array(
      z.object({
        stage: z.string().describe("engine part (wake, tts, …), or 'soul' when souls.default names no usable soul"),
        configured: z.string().describe('what config asks for'),
        used: z.string().describe('what runs instead'),
        reason: z.string(),
      }),
    )
    .describe('engine parts (and the default soul) running on their usable alternative instead of the configured one, and why'),
});
export type Status = z.infer<typeof Status>;

export const ConfigPatchResult = z.object({ updated: z.record(z.string(), z.unknown()) });

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

export const Languages = z.object({ current: LanguageCode, available: z.array(LanguageCode) });
export const LanguageBody = z.object({ language: LanguageCode }).strict();

export const SoulSummary = z.object({
  id: SoulId,
  name: z.string(),
  description: z.string(),
  nsfw: z.boolean(),
  model: z.string(),
  active: z.boolean(),
  builtin: z.boolean(),
});
export const SoulList = z.object({ souls: z.array(SoulSummary), active: SoulId, default: SoulId });
export const CurrentSoul = z.object({
  id: SoulId,
  name: z.string(),
  description: z.string(),
  nsfw: z.boolean(),
  model: z.string(),
});
export const SoulBody = z.object({ soul: SoulId }).strict();

/** One line of front matter: YAML quotes it, but a line break could still smuggle in a fence. */
const soulLine = (max: number) => z.string().trim().max(max).regex(/^[^\r\n]*$/, 'must be one line');
export const SoulParams = z.object({ soul_id: SoulId });
/** A user soul as PUT /api/souls/{soul_id} writes it: the front matter fields and the markdown prompt. */
export const SoulWrite = z
  .object({
    name: soulLine(64).min(1),
    description: soulLine(280).default(''),
    model: soulLine(128).default(''),
    nsfw: z.boolean().default(false),
    voice: soulLine(64).min(1).optional(),
    style: soulLine(32).min(1).optional(),
    prompt: z.string().trim().min(1).max(16_000).describe('markdown, composed over the base prompt'),
  })
  .strict();
export type SoulWrite = z.infer<typeof SoulWrite>;
export const SoulDocument = z.object({
  id: SoulId,
  name: z.string(),
  description: z.string(),
  model: z.string().describe("the soul's own LLM model override ('' = llm.model)"),
  nsfw: z.boolean(),
  voice: z.string().optional(),
  style: z.string().optional(),
  prompt: z.string(),
  builtin: z.boolean().describe('built-in souls are read-only; a user soul with the same id replaces one'),
});
export const SoulSwitched = z.object({ soul: SoulId, name: z.string(), nsfw: z.boolean(), model: z.string() });

export const TtsTestBody = z.object({ text: z.string().trim().min(1).max(2000) }).partial().strict();
export const TtsTestResult = z.object({ status: z.literal('speaking'), text: z.string() });

export const StatusWord = <T extends string>(word: T) => z.object({ status: z.literal(word) });
export const ResetContextBody = z.object({ speaker_id: SpeakerId }).partial().strict();

export const HaStatus = z.object({
  enabled: z.boolean(),
  connected: z.boolean(),
  last_error: z.string().nullable(),
});
/** GET /api/integrations: Home Assistant's ways into Kiwi (MQTT discovery, the Wyoming service). */
export const IntegrationsStatus = z.object({
  mqtt: z.object({
    enabled: z.boolean(),
    connected: z.boolean(),
    broker: z.string().nullable().describe('the broker URL, without credentials'),
    entities: z.number().int().describe('discovery configs published on the current connection'),
    error: z.string().nullable(),
  }),
  wyoming: z.object({
    enabled: z.boolean(),
    listening: z.boolean(),
    host: z.string(),
    port: z.number().int(),
    clients: z.number().int().describe('Wyoming connections open now'),
    error: z.string().nullable(),
  }),
});
export const HaCommandBody = z
  .object({ text: z.string().trim().min(1).max(1000), language: LanguageCode.optional() })
  .strict();
export const HaCommandResult = z.object({ response: z.string(), command: z.string() });

export const ChatBody = z
  .object({
    text: z.string().trim().min(1).max(2000),
    language: LanguageCode.optional(),
    speak: z.boolean().optional().describe('also speak the reply through the audio sinks (default true)'),
  })
  .strict();
/** Why a turn's answer failed; its reply then says so in words. */
export const TurnError = z
  .object({ code: z.string().describe('llm_unreachable, llm_unauthorized, llm_timeout, llm_bad_response, llm_failed, homeassistant_failed, …'), message: z.string() })
  .describe('the answer failed (the LLM or Home Assistant could not answer): reply is what Kiwi said about it');

export const ChatResult = z.object({
  command: z.string().nullable().describe('what handled it: a built-in command, homeassistant, llm, or null'),
  reply: z.string().nullable(),
  interrupted: z.string().optional().describe('why the turn was cut short (stopped, superseded by a newer turn): command and reply are still what ran'),
  error: TurnError.optional(),
  turn_id: z.string().describe('the turn this chat ran as: every event of it (TURN_STARTED ... TURN_FINISHED) carries this id'),
});

export const AuthScopes = z.object({
  auth_enabled: z.boolean(),
  scopes: z.array(Scope),
  name: z.string().nullable(),
});
export const LoginBody = z.object({ token: z.string().min(1).max(256) }).strict();

/** GET /api/models: the catalog with what is installed (main/engine/models/list.ts). */
export const ModelId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'a model id looks like silero-vad');
export const ModelInfo = z.object({
  id: ModelId,
  name: z.string(),
  task: z.string(),
  engine: z.string(),
  languages: z.array(z.string()),
  license: z.string(),
  commercial_use: z.boolean(),
  size_bytes: z.number().int(),
  default_for: z.array(z.string()),
  installed: z.boolean(),
  verifiable: z.boolean().describe('every file has a published sha256 (others need trust_unverified)'),
  downloading: z.boolean(),
});
export const ModelList = z.object({ models: z.array(ModelInfo) });
export const ModelParams = z.object({ id: ModelId });
export const ModelDownloadBody = z
  .object({ trust_unverified: z.boolean().describe('install files the catalog has no sha256 for') })
  .partial()
  .strict();
export const ModelDownloadStarted = z.object({
  status: z
    .enum(['downloading', 'installed'])
    .describe('downloading: under way, progress as MODEL_DOWNLOAD_* events; installed: it already was and its files verify, nothing is fetched'),
  id: ModelId,
});

export const ModelDownloadCancelled = z.object({
  status: z.literal('cancelled').describe('stopped; what was fetched is kept, so downloading it again resumes'),
  id: ModelId,
});

export const ModelDeleted = z.object({
  deleted: ModelId.describe('the model removed from the models folder (it can be downloaded again)'),
  freed_bytes: z.number().int().describe('disk space freed: the installed files and any partial download of them'),
});

/** First run: the model set the configured language needs, per engine part. */
export const SetupPlan = z.object({
  language: LanguageCode,
  stages: z.array(
    z.object({
      stage: z.enum(['vad', 'wake', 'stt', 'speaker', 'tts']).describe('engine part (the transcript wake word and the system voice need no model)'),
      ready: z.string().nullable().describe('the installed model this part runs on, if any'),
      model: ModelInfo.nullable().describe('when `ready` is null: the catalog model to download for the language (null: the catalog has none for it)'),
    }),
  ),
  download_bytes: z.number().int().describe('total size of the recommended models not installed yet'),
});
export const SetupDownloadStarted = z.object({
  status: z.literal('downloading'),
  ids: z.array(ModelId).describe('models downloading now (empty: everything recommended is installed)'),
  bytes: z.number().int(),
});

/** OpenAI-compatible LLM servers running on this computer (loopback only), found by their model lists. */
export const LocalLlmKind = z.enum(['ollama', 'lmstudio', 'llamacpp']);
export const LocalLlmServers = z.object({
  servers: z.array(
    z.object({
      kind: LocalLlmKind,
      name: z.string().describe('Ollama, LM Studio or llama.cpp'),
      port: z.number().int(),
      base_url: z.string().describe('the llm.base_url to use it (llm.provider openai)'),
      models: z.array(z.string()).describe('the models it serves, as llm.model takes them'),
    }),
  ),
  checked: z
    .array(z.object({ kind: LocalLlmKind, port: z.number().int(), error: z.string().nullable() }))
    .describe('every port asked on 127.0.0.1 and why nothing usable answered there (null: found)'),
});

/** Timers, alarms and reminders (main/timers): instants are ISO-8601 UTC, wall-clock times are in config clock.time_zone. */
export const TimerId = z.string().regex(/^tmr_[0-9]{1,12}$/, 'a timer id looks like tmr_001');
export const TimerKind = z.enum(['timer', 'alarm', 'reminder']);
export const Weekday = z.enum(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']);
const WallClock = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time of day looks like 07:30');
export const TimerItem = z.object({
  id: TimerId,
  kind: TimerKind,
  state: z.enum(['scheduled', 'ringing', 'snoozed']),
  label: z.string().nullable().describe('"pasta" in "a timer for the pasta"'),
  task: z.string().nullable().describe('what a reminder is about'),
  owner_id: z.string().nullable().describe('the speaker who set it; null: an unknown voice or the API'),
  owner_name: z.string().nullable(),
  language: z.string(),
  due_at: z.string().describe('when it is due (ISO-8601 UTC)'),
  next_at: z.string().describe('when it rings next: due_at, or the end of a snooze (ISO-8601 UTC)'),
  remaining_s: z.number().int(),
  duration_s: z.number().int().nullable().describe("a timer's length"),
  time: z.string().nullable().describe('wall-clock time of an alarm or reminder (HH:MM in clock.time_zone)'),
  days: z.array(Weekday).describe('weekdays it repeats on; empty: once'),
  recurring: z.boolean(),
  ringing_since: z.string().nullable(),
  created_at: z.string(),
});
export const TimerList = z.object({
  items: z.array(TimerItem),
  ringing: z.array(TimerId),
  missed: z.array(TimerItem).describe('items that came due while Kiwi was off (or asleep), as they were, since Kiwi started; newest last'),
  time_zone: z.string(),
});
export const TimerParams = z.object({ timer_id: TimerId });
const timerFields = {
  label: z.string().trim().min(1).max(60),
  task: z.string().trim().min(1).max(200),
  duration_s: z
    .number()
    .int('whole seconds')
    .min(1, 'at least 1 second')
    .max(48 * 3600, 'a timer runs at most 48 hours (172800 s)')
    .describe('a timer: its length'),
  at: z.iso.datetime({ offset: true }).describe('a one-off alarm or reminder: the instant (ISO-8601 with offset)'),
  time: WallClock.describe('an alarm or reminder at a time of day (HH:MM, clock.time_zone): the next one, or on `days` (PATCH without `days`: the days it already repeats on)'),
  days: z
    .array(Weekday)
    .min(1)
    .max(7)
    .refine((days) => new Set(days).size === days.length, 'each weekday once')
    .describe('with `time`: repeat on these weekdays'),
  when: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .describe('instead of duration_s/at/time: a time expression in `language`, read by Kiwi ("tomorrow at 7:30", "in 20 minutes", "on weekdays at 6:45")'),
  language: LanguageCode.describe('the language of `when` and of spoken lines about the item (default: Kiwi\'s language)'),
};
export const TimerCreateBody = z
  .object({ kind: TimerKind, ...timerFields, owner_id: SpeakerId.describe('the speaker it belongs to (default: nobody)') })
  .partial({ label: true, task: true, duration_s: true, at: true, time: true, days: true, when: true, language: true, owner_id: true })
  .strict()
  .refine((b) => [b.duration_s, b.at, b.time, b.when].filter((v) => v !== undefined).length === 1, 'give exactly one of duration_s, at, time, when')
  .refine((b) => b.days === undefined || b.time !== undefined, 'days go with time')
  .refine((b) => b.kind !== 'reminder' || b.task !== undefined, 'a reminder needs a task')
  .refine((b) => (b.kind === 'timer' ? b.at === undefined && b.time === undefined : b.duration_s === undefined), 'timers take duration_s (or when); alarms and reminders take at, time or when');
export const TimerPatchBody = z
  .object({ ...timerFields, label: timerFields.label.nullable() })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give something to change')
  .refine((b) => [b.duration_s, b.at, b.time, b.when].filter((v) => v !== undefined).length <= 1, 'give at most one of duration_s, at, time, when')
  .refine((b) => b.days === undefined || b.time !== undefined, 'days go with time');
export const TimerSnoozeBody = z.object({ minutes: z.number().min(1).max(120).describe('default 10') }).partial().strict();
export const TimerStopBody = z.object({ ids: z.array(TimerId).min(1).max(100).describe('default: everything ringing') }).partial().strict();
export const TimersStopped = z.object({ stopped: z.array(TimerId) });

/** Voice security (main/security): approvals held for the owner and the audit log of every decision. */
export const Severity = z.enum(['safe', 'warning', 'dangerous', 'critical']);
export const ApprovalId = z.string().regex(/^apr_[0-9a-f]{16}$/, 'an approval id looks like apr_0123456789abcdef');
export const ApprovalParams = z.object({ approval_id: ApprovalId });
export const SecurityRule = z
  .object({
    rule: z.string(),
    severity: Severity,
    source: z.string().describe("the language whose pattern matched, or 'universal'"),
    pattern: z.string(),
    matched: z.string().describe('the words that matched'),
  })
  .describe('why the request got its severity');
export const Approval = z.object({
  id: ApprovalId,
  number: z.number().int().describe('short number to say aloud ("approve two"), unique among pending approvals'),
  status: z.enum(['pending', 'approved', 'denied', 'expired']),
  text: z.string().describe('what was asked'),
  language: z.string(),
  speaker: z.object({ id: z.string(), name: z.string() }).nullable().describe('null: an unknown voice'),
  role: SpeakerRole,
  source: z.string(),
  severity: Severity,
  rule: SecurityRule.nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  resolved_at: z.string().nullable(),
  resolved_by: z
    .object({ channel: z.enum(['voice', 'api', 'telegram', 'openclaw']).describe('openclaw: answered at the OpenClaw gateway by another client'), who: z.string() })
    .nullable(),
  kind: z.enum(['turn', 'exec']).describe('turn: a held Kiwi request, run once approved; exec: a command OpenClaw wants to run, answered at its gateway'),
  exec: z
    .object({
      requester: z.string().describe('who asks, e.g. OpenClaw'),
      command: z.string(),
      cwd: z.string().nullable(),
      host: z.string().nullable(),
      agent_id: z.string().nullable(),
      session_key: z.string().nullable(),
    })
    .nullable()
    .describe('kind exec: the command line and where it would run; `text` is its spoken description'),
});
export const ApprovalList = z.object({ approvals: z.array(Approval) });
export const ApprovalResolved = z.object({
  approval: Approval,
  result: z
    .object({ command: z.string().nullable(), reply: z.string().nullable() })
    .nullable()
    .describe('approved: what the held request answered when it ran (also spoken); denied, or any exec approval: null'),
});
export const AuditOutcome = z.enum(['allow', 'approve', 'refuse', 'approved', 'denied', 'expired']);
export const AuditEntry = z.object({
  seq: z.number().int(),
  time: z.string().describe('ISO-8601 UTC'),
  outcome: AuditOutcome.describe('the gate decided allow/approve/refuse; approvals end approved/denied/expired'),
  speaker_id: z.string().nullable(),
  speaker_name: z.string().nullable(),
  role: z.string(),
  source: z.string(),
  text: z.string(),
  language: z.string(),
  severity: Severity,
  rule: z.string().nullable(),
  approval_id: z.string().nullable(),
  resolved_by: z.string().nullable().describe('channel:who, e.g. telegram:123456 or voice:spk_001'),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z.coerce.number().int().min(1).optional().describe("the previous page's next_before"),
  })
  .strict();
export const AuditPage = z.object({ entries: z.array(AuditEntry).describe('newest first'), next_before: z.number().int().nullable() });

const AudioDevice = z.object({
  id: z.string().describe('pulse:<source or sink name> or alsa:<pcm name>: a value for config audio.input / audio.output'),
  name: z.string().describe("the device's description, as the sound settings show it"),
  default: z.boolean().describe("the system's default device (what auto and system use)"),
});
export const AudioDevices = z.object({
  stack: z.enum(['pulse', 'alsa']).nullable().describe('the sound stack listed (PulseAudio / PipeWire, ALSA); null: none found, the lists are empty'),
  inputs: z.array(AudioDevice).describe('microphones (monitors of outputs last)'),
  outputs: z.array(AudioDevice),
});

/** One finished turn of the conversation history (GET /api/conversation): what TURN_FINISHED said, kept. */
export const ConversationTurn = z.object({
  turn_id: z.string().describe('the turn: its live events (TURN_FINISHED …) carry the same id'),
  at: z.string().describe('when it finished (ISO-8601 UTC)'),
  source: z.string().describe("an audio source id, 'text' or 'announcement'"),
  wake: z.boolean(),
  transcript: z.string(),
  language: z.string(),
  speaker: z.object({ id: z.string(), name: z.string(), confidence: z.number() }).nullable().describe('who spoke (null: an unknown voice or a typed turn)'),
  command: z.string().nullable(),
  reply: z.string().nullable(),
  interrupted: z.string().optional().describe("why the turn was cut short (stopped, superseded, barge_in): its command still ran, and reply is what it produced"),
  timings_ms: z.record(z.string(), z.number()).describe('stage -> ms from the turn origin to the end of that stage'),
  llm: z
    .object({ model: z.string(), soul: z.string(), first_token_ms: z.number().nullable(), ms: z.number(), status: z.string() })
    .nullable()
    .describe("the LLM's answer, when the LLM answered"),
});
export type ConversationTurn = z.infer<typeof ConversationTurn>;
export const ConversationQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50).describe('how many of the newest turns (1..500, default 50)'),
    before: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("a turn_id: only turns older than it (the next page back: the first turn_id of the page before). Without it, the newest turns"),
  })
  .strict();
export const ConversationPage = z.object({
  turns: z.array(ConversationTurn).describe('oldest first: the newest turn is last, where a live TURN_FINISHED would go'),
  has_more: z.boolean().describe('older turns are kept than these: ask again with before = the first turn_id here'),
});

export { ConfigPatchSchema, ConfigView, LANGUAGES };
