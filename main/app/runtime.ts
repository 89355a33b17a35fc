import type { Status } from '../contract/api.ts';
import type { ConfigService } from '../config/config-service.ts';
import type { ConversationContext } from '../dialogue/conversation-context.ts';
import type { AudioHub } from '../engine/audio/audio-hub.ts';
import type { MicrophoneStatus } from '../engine/audio/microphone-supervisor.ts';
import { Engine } from '../engine/engine.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import { BuiltinCommands, LastVoiceSlot } from '../dialogue/commands/index.ts';
import { FirstRunSetup } from './first-run.ts';
import { ModelDownloads } from './model-downloads.ts';
import { createCommandRouting } from './command-routing.ts';
import { runtimeStatus } from './runtime-status.ts';
import { reactToConfig } from './config-reactions.ts';
import type { RuntimePaths } from './runtime-files.ts';
import { SoulFiles } from './runtime-souls.ts';
import { EngineSpeakers } from './runtime-speakers.ts';
import { createHandsFree } from './hands-free.ts';
import type { OwnerHandsFree } from '../engine/listening/hands-free.ts';
import type { ReplyPreview, TurnHandler } from '../engine/listening/turn.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { loadCatalog } from '../engine/models/catalog.ts';
import { LlmPhraseBook } from '../llm/phrases.ts';
import { CommandPathWarmer, commandPathSteps } from './warm-up.ts';
import { OwnWords } from './own-words.ts';
import { openCoreServices } from './core-services.ts';
import { EngineSlot } from './engine-slot.ts';
import { PART_NAMES } from '../engine/stages.ts';
import { LlmSlot } from '../llm/llm-slot.ts';
import type { HomeAssistantClient } from '../homeassistant/ha-client.ts';
import type { Logger } from '../platform/logger.ts';
import type { SoulEdits } from '../souls/soul-edits.ts';
import type { SoulService } from '../souls/soul-service.ts';
import type { Enrollment } from '../speakers/identification/enrollment.ts';
import type { SpeakerIdentification } from '../speakers/identification/speaker-identification.ts';
import type { SpeakerService } from '../speakers/speaker-service.ts';
import { matchWakeWord } from '../engine/stages/wake/text-match.ts';
import { createTimers, type TimerService, type TimerVoice } from '../timers/index.ts';
import type { Store } from '../store/store.ts';
import { SecurityService } from '../security/security-service.ts';
import { openClawExecApprovals } from '../security/openclaw-exec.ts';
import type { ApprovalCallbacks } from '../llm/openclaw/approvals.ts';
import { Integrations, runtimeControl, runtimeStages } from '../integrations/index.ts';
import { openClawLink } from '../llm/openclaw/link.ts';
import { TurnHistory } from '../history/index.ts';
import { listAudioDevices, type AudioDevices } from '../engine/audio/devices.ts';
import type { OpenClawOptions } from '../llm/openclaw/openclaw-llm.ts';

export interface RuntimeOptions {
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  /** What "what time is it" and the timers read; tests pin it, Kiwi runs on the system clock. */
  clock?: Clock;
}

/**
 * The composition root of a Kiwi process (headless or inside Electron): it builds every service,
 * wires config changes to them, and rebuilds the engine on restart. It only wires.
 */
export class KiwiRuntime {
  /** performance.now() at start: uptime is elapsed time, whatever the wall clock does (NTP, a resume). */
  readonly startedAt = performance.now();
  /** The engine and the audio models it runs on (rebuilt on restarts, config changes, installs). */
  readonly #slot: EngineSlot;
  /** Model downloads (API, dashboard, first use), one at a time per model. */
  readonly models: ModelDownloads;
  /** The dashboard's first run: the recommended models for the language, downloaded in one go. */
  readonly setup: FirstRunSetup;
  /** The last unknown (or blocked) voice heard, for "block / forget that voice". */
  readonly lastVoice = new LastVoiceSlot();
  /** What a command turns into: built-in command, Home Assistant or the LLM. */
  readonly #router: TurnHandler;
  /** Identification and enrolment over the running engine's speaker model. */
  readonly #speakers: EngineSpeakers;
  /** Timers, alarms and reminders (main/timers). */
  readonly timers: TimerService;
  readonly #timerVoice: TimerVoice;
  /** The soul files: the user's edits, re-reading them all, the souls.default fallback warning. */
  readonly #soulFiles: SoulFiles;
  /** Voice security: severity, policy by speaker, approvals (voice, API, Telegram), audit log. */
  readonly security: SecurityService;
  /** Conversation history: every answered turn, kept in the store (GET /api/conversation). */
  readonly history: TurnHistory;
  /** OpenClaw's exec-approval requests, routed into the owner's approvals (given to every OpenClaw client built). */
  readonly #openclawApprovals: ApprovalCallbacks;
  /** Home Assistant's ways in: MQTT discovery and the Wyoming service (main/integrations). */
  readonly integrations: Integrations;
  /** OpenClaw's device identity (<data>/openclaw), token discovery and pairing events. */
  readonly #openclawLink: OpenClawOptions;
  /** The headless microphone's state for /api/status, while one is attached (main/app/system-audio.ts). */
  systemMicrophone: (() => MicrophoneStatus) | null = null;
  /** The environment the system's sound stack is found through (PATH, XDG_RUNTIME_DIR, PULSE_SERVER). */
  soundEnv: NodeJS.ProcessEnv = process.env;
  /** The LLM client, beside the engine: a provider change replaces it and nothing else. */
  readonly llm: LlmSlot;
  /** Owner hands-free (voice.owner_hands_free): it outlives engine rebuilds. */
  readonly handsFree: OwnerHandsFree;
  readonly #closeHandsFree: () => void;
  readonly #commands = new BuiltinCommands();
  /** A read-only built-in's reply, worked out from an early transcript (the engine prepares its audio). */
  readonly #preview: ReplyPreview;
  /** The greeting and security announcements: what Kiwi says outside any turn. */
  readonly #ownWords: OwnWords;
  /** The command path's first-call costs, paid once per language (main/app/warm-up.ts). */
  readonly #warmer: CommandPathWarmer;

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
    private readonly paths: RuntimePaths,
    /** Kiwi's clock: timers, the LLM's deadlines and the API's local-LLM probe run on it. */
    readonly clock: Clock = systemClock,
  ) {
    this.models = new ModelDownloads({ modelsDir: () => paths.models, catalog: () => loadCatalog(paths.catalog), bus, logger });
    this.#slot = new EngineSlot({
      config,
      bus,
      hub,
      logger,
      models: this.models,
      paths,
      wiring: () => ({
        identifier: this.identification,
        handsFree: this.handsFree,
        handler: this.#router,
        preview: this.#preview,
        // While an alarm rings, "stop" and "snooze" need no wake word.
        matchWake: this.#timerVoice.wakeMatcher((text, word, language) => matchWakeWord(text, word, language)),
      }),
      started: (notes) => {
        for (const line of [...this.missing, ...notes]) logger.warn(`engine: ${line}`);
        this.#ownWords.greetOnce();
        this.#warm();
      },
    });
    this.setup = new FirstRunSetup({
      config: () => config.current,
      catalog: () => loadCatalog(paths.catalog),
      modelsDir: () => paths.models,
      listModels: () => this.models.list(),
      install: (ids) => this.installModels(ids),
    });
    const phrases = new LlmPhraseBook();
    const warmSteps = commandPathSteps({ preview: (request) => this.#preview(request), phrases });
    this.#warmer = new CommandPathWarmer(warmSteps, (err) => logger.warn({ err }, 'warming the command path failed'));
    this.#ownWords = new OwnWords({ config: () => config.current, engine: () => this.engine, commands: this.#commands, logger });
    ({ handsFree: this.handsFree, close: this.#closeHandsFree } = createHandsFree({ config, store, bus, clock }));
    ({ service: this.timers, voice: this.#timerVoice } = createTimers({ store: store.timers, bus, clock, config: () => config.current, hub, engine: () => this.engine }));
    this.history = new TurnHistory(store, bus);
    this.#soulFiles = new SoulFiles({ souls, config, bus, logger, userDir: paths.userSouls });
    this.#speakers = new EngineSpeakers({ store, bus, config: () => config.current, lastVoice: this.lastVoice, engine: () => this.engine });
    this.security = new SecurityService({
      config: () => config.current,
      bus,
      store,
      resume: (request) => routing.pastGate(request),
      announce: (text) => this.#ownWords.announce(text),
      clock,
    });
    this.#openclawApprovals = openClawExecApprovals({
      security: () => this.security,
      llm: () => this.llm.client,
      onError: (message) => bus.emit('ERROR', { code: 'openclaw_approval_failed', message }, 'security'),
    });
    this.#openclawLink = openClawLink({ dataDir: paths.data, bus, logger });
    this.llm = new LlmSlot(() => config.current.llm, { clock, openclaw: { ...this.#openclawApprovals, ...this.#openclawLink } });
    const routing = createCommandRouting({
      config,
      souls,
      store,
      speakers,
      bus,
      context,
      homeassistant,
      clock,
      lastVoice: this.lastVoice,
      commands: this.#commands,
      phrases,
      timerVoice: this.#timerVoice,
      security: this.security,
      llm: () => this.llm.client,
      captureNext: (source, take) => this.engine.captureNext(source, take),
      enrollment: () => this.enrollment,
    });
    this.#router = routing.router;
    this.#preview = routing.preview;
    this.integrations = new Integrations({ config: () => config.current, control: runtimeControl(this), stages: runtimeStages(this), emit: bus.emit.bind(bus), logger, clock });
  }

  static async create({ env = process.env, logger, clock }: RuntimeOptions): Promise<KiwiRuntime> {
    const live = { started: false };
    const core = await openCoreServices({ env, logger, clock, startedUp: () => live.started });
    const { config, bus, store, hub, souls, speakers, context, homeassistant, paths } = core;
    const runtime = new KiwiRuntime(config, bus, store, hub, souls, speakers, context, homeassistant, logger, paths, clock);
    live.started = true;
    runtime.soundEnv = env;
    runtime.#soulFiles.warnFallback();
    config.onChange((_cfg, updated, changed) =>
      reactToConfig(updated, changed, {
        runtime,
        warm: () => runtime.#warm(),
        rebuild: (stages, why, before) => runtime.#slot.rebuild(stages, why, before),
      }),
    );
    // Kiwi learns its own voice from what it plays, so the listening pipeline can ignore its echo.
    runtime.hub.onPlay((audio) => runtime.identification.hearOwnVoice(audio));
    await runtime.#slot.start(PART_NAMES);
    runtime.timers.start(); // after the engine: items missed while Kiwi was off are announced through it
    runtime.homeassistant.start();
    await runtime.security.startTelegram();
    await runtime.integrations.start();
    return runtime;
  }

  get engine(): Engine {
    return this.#slot.engine;
  }

  /** What the engine does with a command (commands, Home Assistant, the LLM): for turns that carry a speaker without audio (tests, tools). */
  get turnHandler(): TurnHandler {
    return this.#router;
  }

  /** Who is speaking (voice prints, Kiwi's own voice, learned guests); it outlives engine rebuilds. */
  get identification(): SpeakerIdentification {
    return this.#speakers.identification;
  }

  /** Enrolment of voices (API, CLI) with the engine's current speaker model. */
  get enrollment(): Enrollment {
    return this.#speakers.enrollment();
  }

  /** PUT/DELETE of the user's soul files (<data dir>/souls), one at a time; built-ins stay read-only. */
  get soulEdits(): SoulEdits {
    return this.#soulFiles.edits;
  }

  /** Where installed models live (KIWI_MODELS_DIR or <data>/models): the models API lists and installs here. */
  get modelsDir(): string {
    return this.paths.models;
  }

  /** The headless server's microphones and speakers (GET /api/audio/devices). */
  audioDevices(): Promise<AudioDevices> {
    return listAudioDevices({ env: this.soundEnv });
  }

  status(webAudioClients: number): Status {
    return runtimeStatus(this, webAudioClients);
  }

  /** Resolves once the rebuilds under way are done, or after `timeoutMs`, whichever is first. */
  settled(timeoutMs: number): Promise<void> {
    return this.#slot.settled(timeoutMs);
  }

  /** `part: reason` for every audio stage and the LLM that is not available. */
  get missing(): string[] {
    const llm = this.llm.missing;
    return [...this.engine.missing, ...(llm ? [`llm: ${llm}`] : [])];
  }

  /** Re-read every soul file, in turn with soul edits and PATCHes (an older read never replaces a newer one); the engine keeps running. */
  reloadSouls(): Promise<void> {
    return this.#soulFiles.reload();
  }

  /** Rebuild every stage (models) and the LLM client, and reload souls in-process; the API keeps serving. */
  async restart(): Promise<void> {
    this.bus.emit('SERVICE_RESTART', { reason: 'api' }, 'runtime');
    await this.#slot.rebuild(PART_NAMES, 'restart', async () => {
      await this.reloadSouls();
      this.#soulFiles.warnFallback();
      this.llm.rebuild();
    });
    this.homeassistant.start();
  }

  async close(): Promise<void> {
    this.#closeHandsFree();
    this.timers.close();
    this.history.close();
    await this.security.close();
    this.models.abortAll();
    this.homeassistant.stop();
    await this.integrations.close();
    await this.#slot.close();
    this.llm.dispose();
    this.store.close();
  }

  /** Pay the command path's first-call costs for the language now, not in the first spoken command. */
  #warm(): void {
    void this.#warmer.warm(this.config.current.language);
  }

  /**
   * Download `ids` in the background, then rebuild the stages still waiting for a model (EngineSlot).
   * Resolves once the downloads have started; a refusal (unknown id, no checksum) rejects.
   */
  installModels(ids: string[]): Promise<void> {
    return this.#slot.installModels(ids);
  }
}
