import { z } from 'zod';
import * as api from './api.ts';
import { route } from './route-spec.ts';
import { speakerRoutes } from './routes-speakers.ts';
import { modelRoutes } from './routes-models.ts';
import { timerRoutes } from './routes-timers.ts';
import { securityRoutes } from './routes-security.ts';

export type { BodyOf, ParamsOf, QueryInputOf, QueryOf, ResponseOf, RouteSpec } from './route-spec.ts';

/** Every REST route, in the order the server registers them and /api/openapi.json lists them. */
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
  ...speakerRoutes,
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
  ...modelRoutes,
  ...timerRoutes,
  ...securityRoutes,
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
