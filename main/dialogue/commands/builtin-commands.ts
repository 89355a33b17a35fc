import { PRIORITIES } from '../../contract/api.ts';
import type { TurnRequest } from '../../engine/listening/turn.ts';
import { KiwiError } from '../../platform/errors.ts';
import { defaultMatcher, type CommandMatch, type CommandMatcher } from './matcher.ts';
import { isHouseholdOpen } from '../../speakers/roles.ts';
import { anonymousKey, commandRole, refusalFor, roleOf } from './permissions.ts';
import { formatDate, formatList, formatTime, say } from './replies.ts';
import type { CommandAnswer, CommandDeps } from './types.ts';
import {
  answer,
  enrollOther,
  enrollSelf,
  listVoices,
  manageLastVoice,
  refuse,
  whoIsSpeaking,
  type CommandCall,
} from './voice-commands.ts';

/**
 * Commands that only say something (nothing is changed): their reply may be worked out ahead of the
 * turn, and with voice.provisional_end their utterance may end at its early transcript (the reply
 * can still be cancelled if more words follow). Nothing with a side effect belongs here.
 */
const READ_ONLY = new Set(['time', 'date', 'who_is_speaking', 'list_voices', 'list_souls']);

/**
 * Kiwi's built-in voice commands: recognised from the locale phrase lists, checked against the
 * speaker's role, carried out on the services, answered with a localised sentence.
 */
export class BuiltinCommands {
  constructor(private readonly matcher: CommandMatcher = defaultMatcher()) {}

  /** The command in a transcript, resolving soul names against the souls that exist. */
  match(text: string, language: string, deps?: Pick<CommandDeps, 'souls'>): CommandMatch | null {
    return this.matcher.match(text, language, { souls: deps?.souls.list() });
  }

  /** Null when the text is not a built-in command: the router passes it on (Home Assistant, the LLM). */
  async handle(request: TurnRequest, deps: CommandDeps): Promise<CommandAnswer | null> {
    const match = this.match(request.text, request.language, deps);
    return match ? this.#carryOut(match, request, deps) : null;
  }

  /**
   * The first sentence a read-only command would answer with, worked out without carrying anything
   * out (the engine synthesises it while the endpoint is still deciding); null for other requests.
   */
  async preview(request: TurnRequest, deps: CommandDeps): Promise<string | null> {
    const match = this.match(request.text, request.language, deps);
    if (!match || !READ_ONLY.has(match.name)) return null;
    return (await this.#carryOut(match, request, deps)).reply?.[0] ?? null;
  }

  async #carryOut(match: CommandMatch, request: TurnRequest, deps: CommandDeps): Promise<CommandAnswer> {
    const role = commandRole(match.name, roleOf(request, deps.typedRole), isHouseholdOpen(deps.store.speakers.list()));
    const call: CommandCall = { request, deps, match, locale: this.matcher.locale(request.language), role };
    const refused = refusalFor(match.name, call.role);
    if (refused === 'blocked') return { command: match.name, reply: null, match, refused };
    if (refused) return refuse(call, refused, refused === 'owner_only' ? 'owner_only' : 'friends_only');
    switch (match.name) {
      case 'stop':
        return { command: 'stop', reply: null, match }; // the engine stops playback; a spoken "okay" would defeat the point
      case 'reset_context':
        resetConversation(request, deps);
        return answer(call, 'reset_done');
      case 'time':
      case 'date': {
        const now = deps.now?.() ?? new Date();
        const { intl_locale: intl, hour_cycle: cycle } = call.locale.file;
        const text = match.name === 'time' ? formatTime(now, intl, cycle, deps.timeZone) : formatDate(now, intl, deps.timeZone);
        return answer(call, match.name, { [match.name]: text });
      }
      case 'who_is_speaking':
        return whoIsSpeaking(call);
      case 'list_voices':
        return listVoices(call);
      case 'enroll_owner':
        return enrollSelf(call);
      case 'enroll_friend':
        return enrollOther(call, PRIORITIES.friend);
      case 'enroll_guest':
        return enrollOther(call, PRIORITIES.guest);
      case 'block_voice':
        return manageLastVoice(call, 'block');
      case 'unblock_voice':
        return manageLastVoice(call, 'unblock');
      case 'forget_voice':
        return manageLastVoice(call, 'forget');
      case 'switch_language':
        return this.#switchLanguage(call);
      case 'switch_soul':
        return this.#switchSoul(call);
      case 'list_souls':
        return listSouls(call);
    }
  }

  /** What to say once the captured voice is learned (by the Enrollment service). */
  enrollDoneReply(language: string, name: string): string {
    return say(this.matcher.locale(language), 'enroll_done', { name });
  }

  /** What to say when the captured utterance was too short or unusable for a voice print. */
  enrollRetryReply(language: string): string {
    return say(this.matcher.locale(language), 'enroll_retry');
  }

  async #switchLanguage(call: CommandCall): Promise<CommandAnswer> {
    const target = call.match.args.language!;
    if (target === call.deps.config.current.language) return answer(call, 'language_already');
    try {
      await call.deps.config.patch({ language: target });
    } catch (err) {
      // The one expected refusal: KIWI_LANGUAGE pins the language (409). Anything else is a real failure.
      if (err instanceof KiwiError && err.code === 'conflict') return refuse(call, 'language_locked', 'language_locked');
      throw err;
    }
    // Said in the new language: from here on Kiwi speaks it.
    return { command: 'switch_language', reply: [say(this.matcher.locale(target), 'language_switched')], match: call.match };
  }

  /** The greeting said at start (voice.greeting), in the language's words unless the user wrote their own. */
  greeting(language: string, wakeWord: string): string {
    return say(this.matcher.locale(language), 'greeting', { wake_word: wakeWord });
  }

  #switchSoul(call: CommandCall): CommandAnswer {
    const { deps, match } = call;
    const id = match.args.soul === 'default' ? deps.souls.defaultSoul.id : match.args.soul!;
    const soul = deps.souls.list().find((s) => s.id === id);
    if (!soul) throw new KiwiError('not_found', `Unknown soul '${id}'`, 404); // the matcher only returns souls from this list
    const name = soulName(call, soul);
    if (deps.souls.active.id === soul.id) return answer(call, 'soul_already', { soul: name });
    if (soul.nsfw) {
      if (call.role !== 'owner') return refuse(call, 'nsfw_owner_only', 'soul_nsfw_owner_only', { soul: name });
      if (!deps.config.current.souls.allow_nsfw) return refuse(call, 'nsfw_disabled', 'soul_nsfw_disabled', { soul: name });
    }
    try {
      deps.souls.switchTo(soul.id);
    } catch (err) {
      if (err instanceof KiwiError && err.code === 'nsfw_not_allowed') return refuse(call, 'nsfw_disabled', 'soul_nsfw_disabled', { soul: name });
      throw err;
    }
    return answer(call, 'soul_switched', { soul: name });
  }
}

/** A soul's name as the language says it (built-in souls), or as its file names it. */
function soulName(call: CommandCall, soul: { id: string; name: string }): string {
  const local = (call.locale.file.souls as Record<string, { name: string } | undefined>)[soul.id];
  return local?.name ?? soul.name;
}

/** "Which souls are there": the ones this speaker may switch to (the 18+ one only for the owner, and only when allowed). */
function listSouls(call: CommandCall): CommandAnswer {
  const { deps } = call;
  const adult = call.role === 'owner' && deps.config.current.souls.allow_nsfw;
  const names = deps.souls
    .list()
    .filter((soul) => adult || !soul.nsfw)
    .map((soul) => soulName(call, soul));
  return answer(call, 'souls_list', { souls: formatList(names, call.locale.file.intl_locale), soul: soulName(call, deps.souls.active) });
}

/** Clear the speaker's conversation; the 18+ soul's separate one too, when it has anything in it. */
function resetConversation(request: TurnRequest, deps: CommandDeps): void {
  if (deps.conversationKey) {
    deps.context.reset(deps.conversationKey(request));
    return;
  }
  const key = request.speaker?.id ?? anonymousKey(request);
  deps.context.reset(key);
  if (deps.context.history(`${key}:nsfw`).length > 0) deps.context.reset(`${key}:nsfw`);
}
