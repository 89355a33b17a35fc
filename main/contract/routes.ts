import { z } from 'zod';
import * as api from './api.ts';
import type { Scope } from './config.ts';

/**
 * Every REST route: path, method, the scope it needs, and the schemas of its params, body and
 * answer. The server registers handlers against this table, validates with these schemas and
 * generates /api/openapi.json from it; clients type their calls with it.
 */
export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style: /api/speakers/{speaker_id} */
  path: string;
  scope: Scope;
  /** Reachable without credentials even when auth is on (login, scope discovery). */
  public?: boolean;
  summary: string;
  params?: P;
  /** Query-string parameters (?limit=10), checked like the body: a bad value is a 400. */
  query?: Q;
  body?: B;
  response: R;
  /** Error statuses this route can answer besides the ones every route can (400, 401, 403, 413, 415, 429). */
  errors: number[];
  /** Success status when it is not 200 (201 for a created resource). */
  status?: 201;
  /** JSON body limit in bytes when a route needs more than the default 64 KiB (audio uploads). */
  bodyLimit?: number;
}

/** Keeps each route's exact type, so handlers see the schemas of exactly their route. */
const route = <S extends RouteSpec>(spec: S) => spec;

type SchemaOf<S, K extends string> = S extends { [P in K]: infer T extends z.ZodType } ? z.infer<T> : undefined;
export type ParamsOf<S> = SchemaOf<S, 'params'>;
export type BodyOf<S> = SchemaOf<S, 'body'>;
export type QueryOf<S> = SchemaOf<S, 'query'>;
/** What a client may send as the query: the schema's input (numbers or strings, defaults optional). */
export type QueryInputOf<S> = S extends { query: infer T extends z.ZodType } ? z.input<T> : undefined;
export type ResponseOf<S> = S extends { response: infer T extends z.ZodType } ? z.input<T> : never;

export const routes = {
  status: route({ method: 'get', path: '/api/status', scope: 'read', summary: 'Current state and metrics', response: api.Status, errors: [] }),
  getConfig: route({ method: 'get', path: '/api/config', scope: 'read', summary: 'Configuration without secrets', response: api.ConfigView, errors: [] }),
  patchConfig: route({
    method: 'patch',
    path: '/api/config',
    scope: 'control',
    summary: 'Change configuration at runtime (persisted atomically); the api group is file-only',
    body: api.ConfigPatchSchema,
    response: api.ConfigPatchResult,
    errors: [409],
  }),
  listSpeakers: route({ method: 'get', path: '/api/speakers', scope: 'read', summary: 'Known speaker profiles', response: api.SpeakerList, errors: [] }),
  enrollSpeaker: route({
    method: 'post',
    path: '/api/speakers',
    scope: 'admin',
    summary: 'Enrol a speaker from 1 to 10 base64 WAV clips of their voice (body up to 8 MiB)',
    body: api.SpeakerEnrollBody,
    response: api.Speaker,
    status: 201,
    bodyLimit: api.ENROLL_BODY_LIMIT_BYTES,
    errors: [409, 503],
  }),
  addSpeakerSamples: route({
    method: 'post',
    path: '/api/speakers/{speaker_id}/samples',
    scope: 'admin',
    summary: 'Add 1 to 10 base64 WAV clips to a speaker profile (they must sound like it)',
    params: api.SpeakerParams,
    body: api.SpeakerSamplesBody,
    response: api.Speaker,
    bodyLimit: api.ENROLL_BODY_LIMIT_BYTES,
    errors: [404, 409, 503],
  }),
  patchSpeaker: route({
    method: 'patch',
    path: '/api/speakers/{speaker_id}',
    scope: 'admin',
    summary: 'Rename a speaker or change their priority (friend 1, guest 2; owner 0 hands the owner role over: the owner until now becomes a friend)',
    params: api.SpeakerParams,
    body: api.SpeakerPatch,
    response: api.Speaker,
    errors: [404, 409],
  }),
  deleteSpeaker: route({
    method: 'delete',
    path: '/api/speakers/{speaker_id}',
    scope: 'admin',
    summary: 'Remove a speaker profile (the owner cannot be deleted: make someone else the owner first)',
    params: api.SpeakerParams,
    response: z.object({ deleted: api.SpeakerId }),
    errors: [404, 409],
  }),
  blockSpeaker: route({
    method: 'post',
    path: '/api/speakers/{speaker_id}/block',
    scope: 'admin',
    summary: 'Block a speaker (the owner cannot be blocked)',
    params: api.SpeakerParams,
    response: z.object({ blocked: api.SpeakerId }),
    errors: [404, 409],
  }),
  unblockSpeaker: route({
    method: 'post',
    path: '/api/speakers/{speaker_id}/unblock',
    scope: 'admin',
    summary: 'Unblock a speaker',
    params: api.SpeakerParams,
    response: z.object({ unblocked: api.SpeakerId }),
    errors: [404],
  }),
  getSpeakerMemory: route({
    method: 'get',
    path: '/api/speakers/{speaker_id}/memory',
    scope: 'admin',
    summary: "What Kiwi remembers about a speaker: their facts and running conversations (private: admin only)",
    params: api.SpeakerParams,
    response: api.SpeakerMemory,
    errors: [404],
  }),
  deleteSpeakerMemoryFact: route({
    method: 'delete',
    path: '/api/speakers/{speaker_id}/memory/facts/{fact_id}',
    scope: 'admin',
    summary: 'Delete one remembered fact of a speaker',
    params: api.MemoryFactParams,
    response: z.object({ deleted: api.MemoryFactId }),
    errors: [404],
  }),
  clearSpeakerMemory: route({
    method: 'delete',
    path: '/api/speakers/{speaker_id}/memory',
    scope: 'admin',
    summary: "Delete everything Kiwi remembers about a speaker: facts, running conversations and their conversation history (deleting the speaker does this too)",
    params: api.SpeakerParams,
    response: api.SpeakerMemoryCleared,
    errors: [404],
  }),
  languages: route({ method: 'get', path: '/api/languages', scope: 'read', summary: 'Current and available languages', response: api.Languages, errors: [] }),
  setLanguage: route({
    method: 'post',
    path: '/api/language',
    scope: 'control',
    summary: 'Switch language at runtime',
    body: api.LanguageBody,
    response: api.LanguageBody,
    errors: [409],
  }),
  souls: route({ method: 'get', path: '/api/souls', scope: 'read', summary: 'Available personalities', response: api.SoulList, errors: [] }),
  getSoul: route({
    method: 'get',
    path: '/api/souls/{soul_id}',
    scope: 'read',
    summary: 'One soul with its prompt (to edit it, or start a new one from it)',
    params: api.SoulParams,
    response: api.SoulDocument,
    errors: [404],
  }),
  putSoul: route({
    method: 'put',
    path: '/api/souls/{soul_id}',
    scope: 'admin',
    summary: 'Create or replace a user soul (markdown in <data dir>/souls, written atomically); built-ins are read-only',
    params: api.SoulParams,
    body: api.SoulWrite,
    response: api.SoulDocument,
    errors: [409],
  }),
  deleteSoul: route({
    method: 'delete',
    path: '/api/souls/{soul_id}',
    scope: 'admin',
    summary: 'Delete a user soul (a built-in it replaced comes back); built-ins cannot be deleted',
    params: api.SoulParams,
    response: z.object({ deleted: api.SoulDocument.shape.id }),
    errors: [404, 409],
  }),
  currentSoul: route({ method: 'get', path: '/api/soul/current', scope: 'read', summary: 'The active personality', response: api.CurrentSoul, errors: [] }),
  setSoul: route({
    method: 'post',
    path: '/api/soul',
    scope: 'control',
    summary: 'Switch personality (an nsfw soul needs souls.allow_nsfw)',
    body: api.SoulBody,
    response: api.SoulSwitched,
    errors: [404],
  }),
  ttsTest: route({
    method: 'post',
    path: '/api/tts/test',
    scope: 'control',
    summary: 'Speak a test phrase through the current TTS provider',
    body: api.TtsTestBody,
    response: api.TtsTestResult,
    errors: [503],
  }),
  stop: route({ method: 'post', path: '/api/stop', scope: 'control', summary: 'Stop playback, synthesis and the running request', response: api.StatusWord('stopped'), errors: [503] }),
  resetContext: route({
    method: 'post',
    path: '/api/reset-context',
    scope: 'control',
    summary:
      "Clear the running conversation (LLM history) of one speaker (speaker_id, both their everyday and 18+ conversations) or of everyone. Remembered facts are kept: DELETE /api/speakers/{speaker_id}/memory deletes those",
    body: api.ResetContextBody,
    response: api.StatusWord('context_reset'),
    errors: [404],
  }),
  restart: route({ method: 'post', path: '/api/restart', scope: 'admin', summary: 'Rebuild the engine in-process; the API keeps serving', response: api.StatusWord('restarting'), errors: [] }),
  shutdown: route({ method: 'post', path: '/api/shutdown', scope: 'admin', summary: 'Flush stores, close sockets and exit', response: api.StatusWord('shutting_down'), errors: [] }),
  audioDevices: route({
    method: 'get',
    path: '/api/audio/devices',
    scope: 'read',
    summary: "The headless server's microphones and speakers, from its sound stack (PulseAudio / PipeWire, else ALSA): ids for config audio.input / audio.output",
    response: api.AudioDevices,
    errors: [503],
  }),
  conversation: route({
    method: 'get',
    path: '/api/conversation',
    scope: 'read',
    summary:
      'Conversation history: the newest finished turns (?limit=1..500, default 50), oldest first; ?before=<turn_id> pages back to the turns older than that one (has_more says whether any remain; 404 when that turn is no longer kept or not the caller\'s). Private per speaker: admin sees every turn; with auth on, a token with a speaker_id sees that speaker\'s turns and other tokens none. Utterances Kiwi ignored are not kept',
    query: api.ConversationQuery,
    response: api.ConversationPage,
    errors: [404],
  }),
  integrations: route({
    method: 'get',
    path: '/api/integrations',
    scope: 'read',
    summary: 'Home Assistant integrations: MQTT discovery and the Wyoming service',
    response: api.IntegrationsStatus,
    errors: [],
  }),
  haStatus: route({ method: 'get', path: '/api/homeassistant/status', scope: 'read', summary: 'Home Assistant connection', response: api.HaStatus, errors: [] }),
  haCommand: route({
    method: 'post',
    path: '/api/homeassistant/command',
    scope: 'control',
    summary: 'Send a command to Home Assistant through its Conversation API',
    body: api.HaCommandBody,
    response: api.HaCommandResult,
    errors: [502, 503],
  }),
  chat: route({
    method: 'post',
    path: '/api/chat',
    scope: 'control',
    summary: 'Talk to Kiwi by text: the same turn as a spoken command (commands, Home Assistant, LLM)',
    body: api.ChatBody,
    response: api.ChatResult,
    errors: [503],
  }),
  listModels: route({ method: 'get', path: '/api/models', scope: 'read', summary: 'Catalog models: installed, available, downloading', response: api.ModelList, errors: [] }),
  downloadModel: route({
    method: 'post',
    path: '/api/models/{id}/download',
    scope: 'admin',
    summary: "Download, verify and install a model in the background (progress as MODEL_DOWNLOAD_* events); status 'installed' when it already is",
    params: api.ModelParams,
    body: api.ModelDownloadBody,
    response: api.ModelDownloadStarted,
    errors: [404, 409, 503],
  }),
  cancelModelDownload: route({
    method: 'delete',
    path: '/api/models/{id}/download',
    scope: 'admin',
    summary: 'Stop a running model download (MODEL_DOWNLOAD_FAILED says cancelled); what was fetched is kept, so a new download resumes',
    params: api.ModelParams,
    response: api.ModelDownloadCancelled,
    errors: [404, 409],
  }),
  deleteModel: route({
    method: 'delete',
    path: '/api/models/{id}',
    scope: 'admin',
    summary:
      'Delete an installed model and free its disk space (MODEL_DELETED); 409 model_in_use while the engine runs on it, download_running while it downloads, not_installed when there is nothing to delete',
    params: api.ModelParams,
    response: api.ModelDeleted,
    errors: [404, 409],
  }),
  setupPlan: route({
    method: 'get',
    path: '/api/setup',
    scope: 'read',
    summary: "First run: the models the configured language needs (the ones 'auto' picks), which are installed, and the download size",
    response: api.SetupPlan,
    errors: [503],
  }),
  setupDownload: route({
    method: 'post',
    path: '/api/setup/download',
    scope: 'admin',
    summary: 'Download, verify and install every recommended model not installed yet, then rebuild the engine with them (progress as MODEL_DOWNLOAD_* events)',
    response: api.SetupDownloadStarted,
    errors: [409, 503],
  }),
  localLlms: route({
    method: 'get',
    path: '/api/llm/local',
    scope: 'read',
    summary: "LLM servers running on this computer: Ollama (11434), LM Studio (1234), llama.cpp (8080) on 127.0.0.1 only (ports: llm.local_ports), with their models",
    response: api.LocalLlmServers,
    errors: [],
  }),
  listTimers: route({ method: 'get', path: '/api/timers', scope: 'read', summary: 'Timers, alarms and reminders, soonest first, and what is ringing', response: api.TimerList, errors: [] }),
  createTimer: route({
    method: 'post',
    path: '/api/timers',
    scope: 'control',
    summary: 'Set a timer (duration_s), an alarm or a reminder (at, time [+ days], or a spoken-style `when`)',
    body: api.TimerCreateBody,
    response: api.TimerItem,
    status: 201,
    errors: [404, 409],
  }),
  updateTimer: route({
    method: 'patch',
    path: '/api/timers/{timer_id}',
    scope: 'control',
    summary: 'Change the label, task or time of a timer, alarm or reminder (a ringing one stops ringing)',
    params: api.TimerParams,
    body: api.TimerPatchBody,
    response: api.TimerItem,
    errors: [404],
  }),
  deleteTimer: route({
    method: 'delete',
    path: '/api/timers/{timer_id}',
    scope: 'control',
    summary: 'Cancel a timer, alarm or reminder',
    params: api.TimerParams,
    response: z.object({ deleted: api.TimerId }),
    errors: [404],
  }),
  snoozeTimer: route({
    method: 'post',
    path: '/api/timers/{timer_id}/snooze',
    scope: 'control',
    summary: 'Snooze a ringing item (default 10 minutes)',
    params: api.TimerParams,
    body: api.TimerSnoozeBody,
    response: api.TimerItem,
    errors: [404, 409],
  }),
  stopTimers: route({
    method: 'post',
    path: '/api/timers/stop',
    scope: 'control',
    summary: 'Stop ringing (everything, or the given ids): one-off items are done, recurring alarms wait for their next time',
    body: api.TimerStopBody,
    response: api.TimersStopped,
    errors: [],
  }),
  listApprovals: route({
    method: 'get',
    path: '/api/approvals',
    scope: 'read',
    summary: "Requests held for the owner's approval (the same data APPROVAL_REQUESTED events carry)",
    response: api.ApprovalList,
    errors: [],
  }),
  approveApproval: route({
    method: 'post',
    path: '/api/approvals/{approval_id}/approve',
    scope: 'control',
    summary: 'Approve a held request: it runs now (Home Assistant, the LLM) and its answer is returned and spoken',
    params: api.ApprovalParams,
    response: api.ApprovalResolved,
    errors: [404, 409],
  }),
  denyApproval: route({
    method: 'post',
    path: '/api/approvals/{approval_id}/deny',
    scope: 'control',
    summary: 'Deny a held request: it never runs',
    params: api.ApprovalParams,
    response: api.ApprovalResolved,
    errors: [404, 409],
  }),
  getAudit: route({
    method: 'get',
    path: '/api/audit',
    scope: 'admin',
    summary: 'Security audit log, newest first: ?limit=1..200 (default 50) and ?before=<next_before of the previous page>',
    response: api.AuditPage,
    errors: [],
  }),
  authScopes: route({ method: 'get', path: '/api/auth/scopes', scope: 'read', public: true, summary: 'Whether auth is on and what the caller may do', response: api.AuthScopes, errors: [] }),
  login: route({
    method: 'post',
    path: '/api/auth/login',
    scope: 'read',
    public: true,
    summary: 'Exchange a token for a same-site session cookie (browser dashboard)',
    body: api.LoginBody,
    response: api.AuthScopes,
    errors: [],
  }),
  logout: route({ method: 'post', path: '/api/auth/logout', scope: 'read', public: true, summary: 'End the browser session', response: api.StatusWord('logged_out'), errors: [] }),
} as const;

export type Routes = typeof routes;
export type RouteId = keyof Routes;
