import { PRIORITIES } from '../contract/api.ts';
import type { ConfigService } from '../config/config-service.ts';
import type { ConversationContext } from '../dialogue/conversation-context.ts';
import type { BuiltinCommands, CommandDeps, EnrollIntent, LastVoiceSlot } from '../dialogue/commands/index.ts';
import { prefetchEligible } from '../dialogue/llm-prefetch.ts';
import { createLlmTurn } from '../dialogue/llm-turn.ts';
import { createRouter, type RouterDeps } from '../dialogue/router.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import type { ReplyPreview, TurnHandler } from '../engine/listening/turn.ts';
import type { UtteranceCapture } from '../engine/listening/voice-loop.ts';
import type { Pcm } from '../engine/stages.ts';
import type { HomeAssistantClient } from '../homeassistant/ha-client.ts';
import type { Llm } from '../llm/types.ts';
import type { LlmPhraseBook } from '../llm/phrases.ts';
import { createMemoryCommands, memoryPrompt, SpeakerMemory } from '../memory/index.ts';
import type { Clock } from '../platform/clock.ts';
import { describeError } from '../platform/errors.ts';
import type { SecurityService } from '../security/security-service.ts';
import type { SoulService } from '../souls/soul-service.ts';
import type { Enrollment } from '../speakers/identification/enrollment.ts';
import type { SpeakerService } from '../speakers/speaker-service.ts';
import type { Store } from '../store/store.ts';
import { resolveTimeZone } from '../timers/clock.ts';
import type { TimerVoice } from '../timers/index.ts';

export interface CommandRoutingDeps {
  config: ConfigService;
  souls: SoulService;
  store: Store;
  speakers: SpeakerService;
  bus: EventBus;
  context: ConversationContext;
  homeassistant: HomeAssistantClient;
  clock: Clock;
  lastVoice: LastVoiceSlot;
  commands: BuiltinCommands;
  phrases: LlmPhraseBook;
  timerVoice: TimerVoice;
  security: SecurityService;
  llm: () => Llm | undefined;
  /** The next utterance from `source` goes to `take` instead of the router ("remember my voice"). */
  captureNext: (source: string, take: UtteranceCapture) => void;
  enrollment: () => Enrollment;
}

export interface CommandRouting {
  /** What a command turns into: built-in command, Home Assistant or the LLM. */
  router: TurnHandler;
  /** The same without the security gate, for a request the owner approved. */
  pastGate: TurnHandler;
  /** A read-only built-in's reply, worked out from an early transcript (the engine prepares its audio). */
  preview: ReplyPreview;
}

/** The command path of a Kiwi process: which handler answers a turn, in order. */
export function createCommandRouting(deps: CommandRoutingDeps): CommandRouting {
  const { config, commands, bus } = deps;
  const commandDeps: CommandDeps = {
    config,
    souls: deps.souls,
    store: deps.store,
    speakers: deps.speakers,
    bus,
    context: deps.context,
    lastVoice: deps.lastVoice,
    now: () => new Date(deps.clock.now()),
    get timeZone() {
      return resolveTimeZone(config.current.clock.time_zone); // "what time is it" answers in the configured zone
    },
  };
  const memory = new SpeakerMemory(deps.store, bus);
  const routing: RouterDeps = {
    commands: [
      deps.timerVoice.ringing, // while something rings, "stop" / "snooze" go to it before the built-in stop
      async (request) => {
        const answer = await commands.handle(request, commandDeps);
        const intent = answer?.enroll;
        if (intent) deps.captureNext(intent.source, (audio) => enrolFromVoice(deps, intent, audio));
        return answer;
      },
      createMemoryCommands({ memory }),
      deps.timerVoice.commands,
      deps.security.voiceApprovals, // "approve" / "deny": only while something waits, only the owner's voice
    ],
    gate: deps.security.gate,
    homeassistant: deps.homeassistant,
    homeAssistantLanguage: () => config.current.homeassistant.language,
    llmTurn: createLlmTurn({
      llm: deps.llm,
      composePrompt: (soul, ctx) => deps.souls.composePrompt(soul, ctx),
      modelFor: (soul) => deps.souls.modelFor(soul),
      context: deps.context,
      memoryPrompt: (request) => memoryPrompt(request, (id) => memory.facts(id)),
      bus,
      phrases: deps.phrases,
      clock: deps.clock,
      // Words not yet confirmed go only to an LLM on this machine, only when the gate lets them
      // through as they are, and not when a built-in command will answer them anyway.
      mayPrefetch: (request) =>
        prefetchEligible({ llm: config.current.llm, homeAssistant: deps.homeassistant.configured }, request) &&
        commands.match(request.text, request.language, commandDeps) === null &&
        deps.security.evaluate(request).decision === 'allow',
    }),
    hasLlm: () => deps.llm() !== undefined,
    activeSoul: () => deps.souls.active,
    phrases: deps.phrases,
    bus,
  };
  return {
    router: createRouter(routing),
    // An approved request runs again through a router without the gate: the bypass is structural.
    pastGate: createRouter({ ...routing, commands: [], gate: undefined }),
    preview: (request) => commands.preview(request, commandDeps),
  };
}

/** The utterance after "remember my voice" / "this is my friend Anna": learn it; returns what to say. */
async function enrolFromVoice(deps: CommandRoutingDeps, intent: EnrollIntent, audio: Pcm): Promise<string> {
  const { commands } = deps;
  try {
    const enrollment = deps.enrollment();
    const speaker = intent.speakerId
      ? await enrollment.addSamples(intent.speakerId, [audio])
      : await enrollment.enrol({ name: intent.name, priority: intent.priority, clips: [audio] });
    if (intent.speakerId && speaker.priority !== PRIORITIES.owner && speaker.priority !== intent.priority) deps.speakers.update(speaker.id, { priority: intent.priority });
    return commands.enrollDoneReply(intent.language, speaker.name);
  } catch (err) {
    // Too short, noise, or a voice that does not match: ask again rather than fail silently.
    deps.bus.emit('ERROR', { code: 'enrolment_failed', message: describeError(err) }, 'speakers');
    return commands.enrollRetryReply(intent.language);
  }
}
