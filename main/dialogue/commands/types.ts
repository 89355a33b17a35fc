import type { SpeakerRole } from '../../speakers/roles.ts';
import type { ConfigService } from '../../config/config-service.ts';
import type { EventBus } from '../../engine/events/event-bus.ts';
import type { TurnAnswer, TurnRequest } from '../../engine/listening/turn.ts';
import type { SoulService } from '../../souls/soul-service.ts';
import type { SpeakerService } from '../../speakers/speaker-service.ts';
import type { Store } from '../../store/store.ts';
import type { ConversationContext } from '../conversation-context.ts';
import type { LastVoiceMemory } from './last-voice.ts';
import type { CommandMatch } from './matcher.ts';

/** What the built-in commands act on; KiwiRuntime has all of these under the same names. */
export interface CommandDeps {
  config: Pick<ConfigService, 'current' | 'patch'>;
  souls: Pick<SoulService, 'list' | 'active' | 'defaultSoul' | 'switchTo'>;
  store: Pick<Store, 'speakers'>;
  speakers: Pick<SpeakerService, 'setBlocked' | 'delete'>;
  bus: Pick<EventBus, 'emit'>;
  context: Pick<ConversationContext, 'reset' | 'history'>;
  /** The voice "block / unblock / forget that voice" means; without it those commands say they heard none. */
  lastVoice?: LastVoiceMemory;
  /** The clock for "what time is it"; the time zone defaults to the system's. */
  now?: () => Date;
  timeZone?: string;
  /**
   * The conversation "reset the conversation" clears. Default: the speaker's id, or 'guest' for
   * unknown voices and 'typed' for typed turns (anonymousKey), plus its ':nsfw' twin, as the LLM turn keys them (main/dialogue/llm-turn.ts).
   */
  conversationKey?: (request: TurnRequest) => string;
  /**
   * Who a typed turn (source 'text', no voice) counts as. Default 'owner': the API that carries typed
   * turns is already authorised to do everything these commands do.
   */
  typedRole?: Role;
}

/** What a speaker may do, from their profile's priority (owner 0, friend 1, guest 2, blocked 99). */
export type Role = SpeakerRole;

/** Why a command was not carried out; the spoken refusal says it in the user's language. */
export type Refusal =
  | 'blocked'
  | 'owner_only'
  | 'friends_only'
  | 'voice_needed'
  | 'owner_exists'
  | 'no_owner'
  | 'nsfw_disabled'
  | 'nsfw_owner_only'
  | 'language_locked'
  | 'no_recent_voice'
  | 'voice_is_owner';

/**
 * Learn a voice from the next utterance: the engine captures the next utterance on `source`,
 * computes its embedding and calls BuiltinCommands.finishEnrollment. The sample is never the
 * command itself, so "this is my friend Anna" stores Anna's voice, not the owner's.
 */
export interface EnrollIntent {
  /** The profile to add the sample to, or null for a new profile. */
  speakerId: string | null;
  name: string;
  priority: 0 | 1 | 2;
  source: string;
  language: string;
  /** Who asked (null: the first owner enrolling themselves). */
  requestedBy: string | null;
}

export interface CommandAnswer extends TurnAnswer {
  /** The command name; 'enroll_next' when the engine must capture the next utterance. */
  command: string;
  reply: string[] | null;
  match: CommandMatch;
  refused?: Refusal;
  enroll?: EnrollIntent;
}
