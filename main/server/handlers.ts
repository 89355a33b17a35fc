import type Koa from 'koa';
import { LANGUAGES } from '../contract/languages.ts';
import { KiwiError, notFound } from '../platform/errors.ts';
import type { Soul } from '../souls/soul-file.ts';
import { uploadedClips } from '../speakers/identification/audio-prep.ts';
import { SESSION_COOKIE, cookieValue, type AuthService } from './auth.ts';
import { HISTORY_KEEP } from '../history/index.ts';
import { conversationViewer } from './conversation-privacy.ts';
import { conversationKeys, SpeakerMemory } from '../memory/index.ts';
import { detectLocalLlms } from '../llm/local-servers.ts';
import { timerHandlers } from '../timers/api-handlers.ts';
import { approvalHandlers } from './approvals.ts';
import type { Handlers } from './handler-types.ts';
import type { ServerServices } from './services.ts';
import { checkSecretDestinations } from './secret-destinations.ts';

export interface HandlerDeps {
  /** What the routes need from the running Kiwi (KiwiRuntime provides it). */
  runtime: ServerServices;
  auth: AuthService;
  audioClients: () => number;
  /** Called once the shutdown answer has been sent. */
  requestShutdown: () => void;
}

const DEFAULT_TEST_PHRASE = 'Hello, I am Kiwi!';
/** How long a request that needs the voice waits for a stage rebuild (after a config change) before it answers 503 rebuilding. */
const REBUILD_WAIT_MS = 10_000;

/** Aborted when the client goes away, so nobody waits for embeddings no one will read. */
function abortedWith(ctx: Koa.Context): AbortSignal {
  const controller = new AbortController();
  ctx.res.once('close', () => {
    if (!ctx.res.writableEnded) controller.abort(new KiwiError('client_gone', 'The client closed the connection'));
  });
  return controller.signal;
}

/** Run `action` after the answer has gone out (restart, shutdown). */
function afterResponse(ctx: Koa.Context, action: () => void): void {
  ctx.res.once('finish', () => setImmediate(action));
}

export function createHandlers({ runtime, auth, audioClients, requestShutdown }: HandlerDeps): Handlers {
  const soulView = (soul: Soul) => ({
    id: soul.id,
    name: soul.name,
    description: soul.description,
    nsfw: soul.nsfw,
    model: runtime.souls.modelFor(soul),
  });
  const soulDocument = (soul: Soul) => {
    const { id, name, description, model, nsfw, voice, style, prompt, builtin } = soul;
    return { id, name, description, model, nsfw, voice, style, prompt, builtin };
  };
  // Stateless over the store: the same memory the voice commands and the LLM turn use.
  const memory = new SpeakerMemory(runtime.store, runtime.bus);
  const models = runtime.models;

  return {
    status: () => runtime.status(audioClients()),
    getConfig: () => runtime.config.view(),
    patchConfig: async ({ body, grant }) => {
      checkSecretDestinations(body, runtime.config.current, grant);
      return { updated: await runtime.config.patch(body) };
    },

    listSpeakers: () => ({ speakers: runtime.speakers.list() }),
    enrollSpeaker: async ({ body, ctx }) =>
      runtime.enrollment.enrol({ name: body.name, priority: body.priority, clips: await uploadedClips(body.audio) }, abortedWith(ctx)),
    addSpeakerSamples: async ({ params, body, ctx }) => {
      if (!runtime.store.speakers.get(params.speaker_id)) throw notFound('speaker', params.speaker_id);
      return runtime.enrollment.addSamples(params.speaker_id, await uploadedClips(body.audio), abortedWith(ctx));
    },
    patchSpeaker: ({ params, body }) => runtime.speakers.update(params.speaker_id, body),
    deleteSpeaker: ({ params }) => {
      runtime.speakers.delete(params.speaker_id);
      return { deleted: params.speaker_id };
    },
    blockSpeaker: ({ params }) => {
      runtime.speakers.setBlocked(params.speaker_id, true);
      return { blocked: params.speaker_id };
    },
    getSpeakerMemory: ({ params }) => memory.view(params.speaker_id),
    deleteSpeakerMemoryFact: ({ params }) => {
      memory.deleteFact(params.speaker_id, params.fact_id);
      return { deleted: params.fact_id };
    },
    clearSpeakerMemory: ({ params }) => memory.clear(params.speaker_id),
    // Private like memory: admin (and everyone while auth is off) sees every turn; another token only its speaker's.
    conversation: ({ query, grant }) => {
      const page = runtime.history.page(query.limit, query.before ?? null, conversationViewer(grant));
      // Pruned (the history keeps HISTORY_KEEP turns), deleted with its speaker, or not this caller's to see.
      if (!page) throw new KiwiError('not_found', `Unknown turn '${query.before ?? ''}': the history no longer keeps it (it keeps the newest ${HISTORY_KEEP}), or it is not yours to see`, 404);
      return { turns: page.turns, has_more: page.hasMore };
    },
    audioDevices: () => runtime.audioDevices(),
    unblockSpeaker: ({ params }) => {
      runtime.speakers.setBlocked(params.speaker_id, false);
      return { unblocked: params.speaker_id };
    },

    languages: () => ({ current: runtime.config.current.language, available: [...LANGUAGES] }),
    setLanguage: async ({ body }) => {
      await runtime.config.patch({ language: body.language });
      return { language: runtime.config.current.language };
    },

    souls: () => {
      const active = runtime.souls.active;
      return {
        souls: runtime.souls.list().map((s) => ({ ...soulView(s), active: s.id === active.id, builtin: s.builtin })),
        active: active.id,
        default: runtime.souls.defaultSoul.id,
      };
    },
    getSoul: ({ params }) => soulDocument(runtime.souls.get(params.soul_id)),
    putSoul: async ({ params, body }) => soulDocument(await runtime.soulEdits.put(params.soul_id, body)),
    deleteSoul: async ({ params }) => {
      await runtime.soulEdits.remove(params.soul_id);
      return { deleted: params.soul_id };
    },
    currentSoul: () => soulView(runtime.souls.active),
    setSoul: ({ body }) => {
      const { id, name, nsfw, model } = soulView(runtime.souls.switchTo(body.soul));
      return { soul: id, name, nsfw, model };
    },

    ttsTest: async ({ body }) => {
      const text = body.text ?? DEFAULT_TEST_PHRASE;
      await runtime.settled(REBUILD_WAIT_MS);
      runtime.engine.speak(text);
      return { status: 'speaking' as const, text };
    },
    stop: () => {
      // Stop (dashboard, tray, API) also silences a ringing timer or alarm; without a voice that is all there is to stop.
      const rang = runtime.timers.stopRinging('api').length > 0;
      const engine = runtime.engine;
      // Nothing rang, nothing runs and no voice: Stop has nothing it could ever stop (503 names the missing voice).
      if (!rang && !engine.busy) engine.require('tts');
      engine.stop();
      return { status: 'stopped' as const };
    },
    resetContext: ({ body }) => {
      const speakerId = body.speaker_id;
      if (speakerId && !runtime.store.speakers.get(speakerId)) throw notFound('speaker', speakerId);
      // A speaker's running conversation includes the 18+ souls' separate one; remembered facts stay.
      for (const key of speakerId ? conversationKeys(speakerId) : [undefined]) runtime.context.reset(key);
      return { status: 'context_reset' as const };
    },
    restart: ({ ctx }) => {
      afterResponse(ctx, () =>
        runtime.restart().catch((err: unknown) => runtime.logger.error({ err }, 'engine restart failed')),
      );
      return { status: 'restarting' as const };
    },
    shutdown: ({ ctx }) => {
      afterResponse(ctx, requestShutdown);
      return { status: 'shutting_down' as const };
    },

    haStatus: () => runtime.homeassistant.status(),
    integrations: () => runtime.integrations.status(),
    haCommand: ({ body }) => {
      const cfg = runtime.config.current;
      return runtime.homeassistant.command(body.text, body.language ?? (cfg.homeassistant.language || cfg.language));
    },

    chat: async ({ body }) => {
      await runtime.settled(REBUILD_WAIT_MS);
      return runtime.engine.chat(body.text, { language: body.language, speak: body.speak ?? true }).done;
    },

    listModels: async () => ({ models: await models.list() }),
    downloadModel: async ({ params, body }) => {
      const started = await models.start(params.id, { trustUnverified: body.trust_unverified ?? false });
      const found = await started.status;
      if (found.status === 'failed') throw found.error; // before any byte: say why here, not only in the event
      return { status: found.status, id: params.id };
    },

    cancelModelDownload: async ({ params }) => {
      await models.cancel(params.id);
      return { status: 'cancelled' as const, id: params.id };
    },

    deleteModel: async ({ params }) => {
      const { freed_bytes } = await models.remove(params.id);
      return { deleted: params.id, freed_bytes };
    },

    setupPlan: () => runtime.setup.plan(),
    setupDownload: () => runtime.setup.download(),
    localLlms: () => detectLocalLlms(runtime.config.current.llm.local_ports, { clock: runtime.clock }),

    ...timerHandlers({ timers: () => runtime.timers, speakers: runtime.store.speakers, language: () => runtime.config.current.language }),
    ...approvalHandlers(() => runtime.security),

    authScopes: ({ grant }) => ({ auth_enabled: auth.required, scopes: grant?.scopes ?? [], name: grant?.name ?? null }),
    login: ({ body, ctx }) => {
      const grant = auth.check(body.token);
      if (!grant) throw new KiwiError('invalid_token', 'That token is not valid', 401);
      const session = auth.openSession(grant);
      ctx.set('Set-Cookie', `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`);
      return { auth_enabled: auth.required, scopes: grant.scopes, name: grant.name };
    },
    logout: ({ ctx }) => {
      auth.closeSession(cookieValue(ctx.get('cookie'), SESSION_COOKIE));
      ctx.set('Set-Cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
      return { status: 'logged_out' as const };
    },
  };
}
