import path from 'node:path';
import type { Status } from '../contract/api.ts';
import { ConfigService } from '../config/config-service.ts';
import { ConversationContext } from '../dialogue/conversation-context.ts';
import { AudioHub } from '../engine/audio/audio-hub.ts';
import { Engine } from '../engine/engine.ts';
import { EventBus } from '../engine/events/event-bus.ts';
import { BuiltinCommands, LastVoiceSlot, type EnrollIntent } from '../dialogue/commands/index.ts';
import type { Pcm } from '../engine/stages.ts';
import { createLlmTurn } from '../dialogue/llm-turn.ts';
import { ModelDownloads } from './model-downloads.ts';
import { createRouter, type RouterDeps } from '../dialogue/router.ts';
import type { TurnHandler } from '../engine/listening/turn.ts';
import { describeError } from '../platform/errors.ts';
import { catalogFile, loadCatalog } from '../engine/models/catalog.ts';
import { LlmPhraseBook } from '../llm/phrases.ts';
import { buildParts } from '../engine/parts.ts';
import { HomeAssistantClient } from '../homeassistant/ha-client.ts';
import type { Logger } from '../platform/logger.ts';
import { configPath, dataDir, modelsDir, resourcesDir } from '../platform/paths.ts';
import { createMemoryCommands, memoryPrompt, SpeakerMemory, storedConversations } from '../memory/index.ts';
import { SoulRegistry } from '../souls/soul-registry.ts';
import { SoulService } from '../souls/soul-service.ts';
import { UserSouls } from '../souls/user-souls.ts';
import { Enrollment } from '../speakers/identification/enrollment.ts';
import { SpeakerIdentification, type IdentificationDeps } from '../speakers/identification/speaker-identification.ts';
import { SpeakerService } from '../speakers/speaker-service.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { matchWakeWord } from '../engine/stages/wake/text-match.ts';
import { createTimers, type TimerService, type TimerVoice } from '../timers/index.ts';
import type { Store } from '../store/store.ts';
import { SecurityService } from '../security/security-service.ts';
import { openClawExecApprovals } from '../security/openclaw-exec.ts';
import type { ApprovalCallbacks } from '../llm/openclaw/approvals.ts';
import { Integrations, runtimeControl, runtimeStages } from '../integrations/index.ts';

/** Config keys that choose or shape a stage: changing one (or any voice.* threshold) rebuilds the engine. */
const STAGE_KEYS = new Set([
  'language',
  'wake_word',
  'wake_word_engine',
  'tts_provider',
  'stt_model',
  'stt_device',
  'llm.provider',
]);

export interface RuntimeOptions {
  env?: NodeJS.ProcessEnv;
  logger: Logger;
}

/**
 * The composition root of a Kiwi process (headless or inside Electron): it builds every service,
 * wires config changes to them, and rebuilds the engine on restart. It only wires.
 */
export class KiwiRuntime {
  readonly startedAt = Date.now();
  #engine!: Engine;
  readonly #triedDownloads = new Set<string>();
  /** Model downloads (API, dashboard, first use), one at a time per model. */
  readonly models: ModelDownloads;
  /** The last unknown (or blocked) voice heard, for "block / forget that voice". */
  readonly lastVoice = new LastVoiceSlot();
  /** What a command turns into: built-in command, Home Assistant or the LLM. */
  readonly #router: TurnHandler;
  #identification?: SpeakerIdentification;
  /** Timers, alarms and reminders (main/timers). */
  readonly timers: TimerService;
  readonly #timerVoice: TimerVoice;
  /** Voice security: severity, policy by speaker, approvals (voice, API, Telegram), audit log. */
  readonly security: SecurityService;
  /** OpenClaw's exec-approval requests, routed into the owner's approvals (given to every OpenClaw client built). */
  readonly #openclawApprovals: ApprovalCallbacks;
  /** Home Assistant's ways in: MQTT discovery and the Wyoming service (main/integrations). */
  readonly integrations: Integrations;
  /** Engine rebuilds run one after another, so overlapping restarts never leave two engines alive. */
  #rebuilds: Promise<void> = Promise.resolve();

  private constructor(
    readonly config: ConfigService,
    readonly bus: EventBus,
    readonly store: Store,
    readonly hub: AudioHub,
    readonly souls: SoulService,
    readonly speakers: SpeakerService,
    readonly context: ConversationContext,
    readonly homeassistant: HomeAssistantClient,
    readonly logger: Logger,
    private readonly paths: { data: string; models: string; userSouls: string; catalog: string },
  ) {
    this.models = new ModelDownloads({ modelsDir: () => paths.models, catalog: () => loadCatalog(paths.catalog), bus, logger });
    const phrases = new LlmPhraseBook();
    const commands = new BuiltinCommands();
    const commandDeps = { config, souls, store, speakers, bus, context, lastVoice: this.lastVoice };
    const memory = new SpeakerMemory(store, bus);
    ({ service: this.timers, voice: this.#timerVoice } = createTimers({ store: store.timers, bus, config: () => config.current, hub, engine: () => this.#engine }));
    // An approved request runs again through a router without the gate: the bypass is structural.
    let pastGate: TurnHandler = () => Promise.reject(new Error('router not built'));
    this.security = new SecurityService({
      config: () => config.current,
      bus,
      store,
      resume: (request) => pastGate(request),
      announce: (text) => this.#announce(text),
    });
    this.#openclawApprovals = openClawExecApprovals({
      security: () => this.security,
      llm: () => this.#engine?.parts.llm,
      onError: (message) => bus.emit('ERROR', { code: 'openclaw_approval_failed', message }, 'security'),
    });
    const routing: RouterDeps = {
      commands: [
        this.#timerVoice.ringing, // while something rings, "stop" / "snooze" go to it before the built-in stop
        async (request) => {
          const answer = await commands.handle(request, commandDeps);
          const intent = answer?.enroll;
          if (intent) this.#engine.captureNext(intent.source, (audio) => this.#enrolFromVoice(commands, intent, audio));
          return answer;
        },
        createMemoryCommands({ memory }),
        this.#timerVoice.commands,
        this.security.voiceApprovals, // "approve" / "deny": only while something waits, only the owner's voice
      ],
      gate: this.security.gate,
      homeassistant,
      homeAssistantLanguage: () => config.current.homeassistant.language,
      llmTurn: createLlmTurn({
        llm: () => this.#engine.parts.llm,
        composePrompt: (soul, ctx) => souls.composePrompt(soul, ctx),
        modelFor: (soul) => souls.modelFor(soul),
        context,
        memoryPrompt: (request) => memoryPrompt(request, (id) => memory.facts(id)),
        bus,
        phrases,
      }),
      hasLlm: () => this.#engine.parts.llm !== undefined,
      activeSoul: () => souls.active,
      phrases,
      bus,
    };
    this.#router = createRouter(routing);
    pastGate = createRouter({ ...routing, commands: [], gate: undefined });
    this.integrations = new Integrations({ config: () => config.current, control: runtimeControl(this), stages: runtimeStages(this), emit: bus.emit.bind(bus), logger });
  }

  static async create({ env = process.env, logger }: RuntimeOptions): Promise<KiwiRuntime> {
    const data = dataDir(env);
    const paths = { data, models: modelsDir(env), userSouls: path.join(data, 'souls'), catalog: catalogFile(env) };
    const config = await ConfigService.load(configPath(env), env);
    const bus = new EventBus((err, event) => logger.error({ err, event }, 'event listener failed'));
    const store = openSqliteStore(path.join(data, 'kiwi.db'));
    const current = () => config.current;
    const registry = await loadSouls(paths.userSouls, logger);
    const runtime = new KiwiRuntime(
      config,
      bus,
      store,
      new AudioHub(),
      new SoulService(registry, store, bus, current),
      new SpeakerService(store, bus),
      new ConversationContext(bus, undefined, storedConversations(store)),
      new HomeAssistantClient({ config: current, bus }),
      logger,
      paths,
    );
    config.onChange((_cfg, updated, changed) => runtime.#onConfigChanged(updated, changed));
    // Kiwi learns its own voice from what it plays, so the listening pipeline can ignore its echo.
    runtime.hub.onPlay((audio) => runtime.identification.hearOwnVoice(audio));
    await runtime.#startEngine();
    runtime.timers.start(); // after the engine: items missed while Kiwi was off are announced through it
    runtime.homeassistant.start();
    await runtime.security.startTelegram();
    await runtime.integrations.start();
    return runtime;
  }

  get engine(): Engine {
    return this.#engine;
  }

  /** What the engine does with a command (commands, Home Assistant, the LLM): for turns that carry a speaker without audio (tests, tools). */
  get turnHandler(): TurnHandler {
    return this.#router;
  }

  /** Who is speaking (voice prints, Kiwi's own voice, learned guests); it outlives engine rebuilds. */
  get identification(): SpeakerIdentification {
    this.#identification ??= new SpeakerIdentification(this.#speakerDeps());
    return this.#identification;
  }

  /** Enrolment of voices (API, CLI) with the engine's current speaker model. */
  get enrollment(): Enrollment {
    return new Enrollment(this.#speakerDeps());
  }

  /** The utterance after "remember my voice" / "this is my friend Anna": learn it; returns what to say. */
  async #enrolFromVoice(commands: BuiltinCommands, intent: EnrollIntent, audio: Pcm): Promise<string> {
    try {
      const speaker = intent.speakerId
        ? await this.enrollment.addSamples(intent.speakerId, [audio])
        : await this.enrollment.enrol({ name: intent.name, priority: intent.priority, clips: [audio] });
      if (intent.speakerId && speaker.priority !== 0 && speaker.priority !== intent.priority) this.speakers.update(speaker.id, { priority: intent.priority });
      return commands.enrollDoneReply(intent.language, speaker.name);
    } catch (err) {
      // Too short, noise, or a voice that does not match: ask again rather than fail silently.
      this.bus.emit('ERROR', { code: 'enrolment_failed', message: describeError(err) }, 'speakers');
      return commands.enrollRetryReply(intent.language);
    }
  }

  #speakerDeps(): IdentificationDeps {
    return {
      store: this.store,
      bus: this.bus,
      config: () => this.config.current,
      embedder: () => this.#engine?.parts.speaker,
      unavailableReason: () => this.#engine?.missing.find((line) => line.startsWith('speaker:'))?.slice('speaker:'.length).trim(),
      lastVoice: this.lastVoice,
    };
  }

  /** Where installed models live (KIWI_MODELS_DIR or <data>/models): the models API lists and installs here. */
  get modelsDir(): string {
    return this.paths.models;
  }

  status(webAudioClients: number): Status {
    const cfg = this.config.current;
    const state = this.#engine.state;
    return {
      state,
      language: cfg.language,
      tts_provider: cfg.tts_provider,
      is_speaking: state === 'SPEAKING',
      is_processing: state === 'PROCESSING' || state === 'THINKING',
      is_running: true,
      uptime_seconds: Math.floor((Date.now() - this.startedAt) / 1000),
      active_speaker: this.#engine.activeSpeaker,
      active_soul: this.souls.active.id,
      homeassistant_connected: this.homeassistant.status().connected,
      listening: cfg.listening,
      web_audio_clients: webAudioClients,
      missing: this.#engine.missing,
    };
  }

  /** The user's soul files (<data dir>/souls), for the souls API; built-ins stay read-only. */
  get userSouls(): UserSouls {
    return new UserSouls({ builtin: path.join(resourcesDir, 'souls'), user: this.paths.userSouls });
  }

  /** Re-read every soul after one was written or deleted; the engine keeps running. */
  async reloadSouls(): Promise<void> {
    this.souls.replaceRegistry(await loadSouls(this.paths.userSouls, this.logger));
  }

  /** Rebuild the engine (stages, models) and reload souls in-process; the API keeps serving. */
  async restart(): Promise<void> {
    this.bus.emit('SERVICE_RESTART', { reason: 'api' }, 'runtime');
    await this.#rebuild(async () => {
      this.souls.replaceRegistry(await loadSouls(this.paths.userSouls, this.logger));
    });
    this.homeassistant.start();
  }

  async close(): Promise<void> {
    this.timers.close();
    await this.security.close();
    this.models.abortAll();
    this.homeassistant.stop();
    await this.integrations.close();
    await this.#rebuilds;
    this.#engine.dispose();
    this.store.close();
  }

  /** Dispose the engine and build a new one, after any rebuild already under way. */
  #rebuild(before?: () => Promise<void>): Promise<void> {
    const next = this.#rebuilds.then(async () => {
      this.#engine.dispose();
      await before?.();
      await this.#startEngine();
    });
    this.#rebuilds = next.catch(() => undefined); // a failed rebuild must not block later ones; callers see it
    return next;
  }

  async #startEngine(): Promise<void> {
    const built = await buildParts({
      config: this.config.current,
      liveConfig: () => this.config.current,
      llmOptions: { openclaw: this.#openclawApprovals },
      modelsDir: this.paths.models,
      catalog: await loadCatalog(this.paths.catalog),
    });
    this.#engine = new Engine({
      config: () => this.config.current,
      bus: this.bus,
      hub: this.hub,
      built,
      identifier: this.identification,
      handler: this.#router,
      // While an alarm rings, "stop" and "snooze" need no wake word.
      matchWake: this.#timerVoice.wakeMatcher((text, word, language) => matchWakeWord(text, word, language)),
    });
    this.#engine.start();
    for (const line of [...this.#engine.missing, ...built.notes]) this.logger.warn(`engine: ${line}`);
    if (this.config.current.auto_download_models) this.#installOnFirstUse(built.wanted);
  }

  /**
   * First use: download (verified) the models that the configured stages lack, then rebuild the
   * engine. Each model is tried once per process; a failure leaves its MODEL_DOWNLOAD_FAILED event
   * and the stage's `missing` line, which says how to install it by hand.
   */
  #installOnFirstUse(ids: string[]): void {
    const fresh = ids.filter((id) => !this.#triedDownloads.has(id) && !this.models.isRunning(id));
    if (fresh.length === 0) return;
    for (const id of fresh) this.#triedDownloads.add(id);
    this.logger.info(`downloading on first use: ${fresh.join(', ')} (progress: MODEL_DOWNLOAD_* events, the dashboard's models panel)`);
    void Promise.all(fresh.map(async (id) => (await this.models.start(id, { trustUnverified: false })).installed))
      .then((done) => (done.some(Boolean) ? this.#rebuild() : undefined))
      .catch((err: unknown) => this.logger.error({ err }, 'installing models on first use failed'));
  }

  /** A security line (an approval that expired, or was answered elsewhere) is spoken once the engine is free; without a voice, events and Telegram carry it. */
  #announce(text: string): void {
    this.#engine
      .idle()
      .then(() => {
        if (this.#engine.parts.tts) this.#engine.speak(text);
      })
      .catch((err: unknown) => this.logger.error({ err }, 'speaking a security announcement failed'));
  }

  #onConfigChanged(updated: Record<string, unknown>, changed: string[]): void {
    this.bus.emit('CONFIG_CHANGED', { updated }, 'config');
    if (changed.includes('language')) this.bus.emit('LANGUAGE_CHANGED', { language: this.config.current.language }, 'config');
    if (changed.includes('listening')) this.#engine.applyListening(this.config.current.listening);
    if (changed.some((p) => p.startsWith('homeassistant.'))) this.homeassistant.start();
    if (changed.includes('clock.time_zone')) this.timers.rezone();
    void this.integrations.configChanged(changed);
    if (changed.some((p) => p.startsWith('telegram.'))) {
      this.security.startTelegram().catch((err: unknown) => this.logger.error({ err }, 'restarting Telegram approvals failed'));
    }
    if (changed.some((p) => STAGE_KEYS.has(p) || p.startsWith('voice.'))) {
      // A turn that changed config (e.g. "speak German") finishes its reply first, within reason.
      const settled = Promise.race([this.#engine.idle(), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
      void settled
        .then(() => this.#rebuild())
        .catch((err: unknown) => this.logger.error({ err }, 'engine rebuild after a config change failed'));
    }
  }
}

async function loadSouls(userDir: string, logger: Logger): Promise<SoulRegistry> {
  const registry = await SoulRegistry.load(path.join(resourcesDir, 'souls'), userDir);
  for (const { file, problem } of registry.problems) logger.warn(`soul ${file} skipped: ${problem}`);
  return registry;
}
