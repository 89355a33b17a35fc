import { PRIORITIES } from '../../contract/api.ts';
import type { TurnRequest } from '../../engine/listening/turn.ts';
import { toApiSpeaker } from '../../speakers/speaker-service.ts';
import { isBlocked } from '../../speakers/roles.ts';
import type { SpeakerRecord } from '../../store/store.ts';
import type { CommandLocale, ReplyKey } from './locale.ts';
import type { CommandMatch } from './matcher.ts';
import { normalizeText } from './normalize.ts';
import { TYPED_SOURCE } from './permissions.ts';
import { formatList, say } from './replies.ts';
import type { CommandAnswer, CommandDeps, EnrollIntent, Refusal, Role } from './types.ts';

/** One command being carried out: what was asked, by whom, in which language. */
export interface CommandCall {
  request: TurnRequest;
  deps: CommandDeps;
  locale: CommandLocale;
  match: CommandMatch;
  role: Role;
}

export function answer(call: CommandCall, key: ReplyKey, values?: Record<string, string>, extra: Partial<CommandAnswer> = {}): CommandAnswer {
  return { command: call.match.name, reply: [say(call.locale, key, values)], match: call.match, ...extra };
}

export function refuse(call: CommandCall, refused: Refusal, key: ReplyKey, values?: Record<string, string>): CommandAnswer {
  return answer(call, key, values, { refused });
}

export function whoIsSpeaking(call: CommandCall): CommandAnswer {
  const { speaker } = call.request;
  return speaker && !isBlocked(speaker) ? answer(call, 'speaker_known', { name: speaker.name }) : answer(call, 'speaker_unknown');
}

export function listVoices(call: CommandCall): CommandAnswer {
  const names = call.deps.store.speakers
    .list()
    .filter((s) => !isBlocked(s))
    .map((s) => s.name);
  if (names.length === 0) return answer(call, 'voices_none');
  return answer(call, 'voices_list', { names: formatList(names, call.locale.file.intl_locale) });
}

const ownerOf = (speakers: SpeakerRecord[]) => speakers.find((s) => s.priority === PRIORITIES.owner) ?? null;

function enrollNext(call: CommandCall, intent: Omit<EnrollIntent, 'source' | 'language'>, key: ReplyKey, values?: Record<string, string>): CommandAnswer {
  const enroll: EnrollIntent = { ...intent, source: call.request.source, language: call.locale.language };
  return answer(call, key, values, { command: 'enroll_next', enroll });
}

/**
 * "Remember my voice": the first owner when there is none; afterwards a known speaker adds samples
 * to their own profile, and a stranger is told to ask the owner.
 */
export function enrollSelf(call: CommandCall): CommandAnswer {
  const { request, deps, match } = call;
  if (request.source === TYPED_SOURCE) return refuse(call, 'voice_needed', 'voice_needed');
  const owner = ownerOf(deps.store.speakers.list());
  if (!owner) {
    const name = match.args.name ?? say(call.locale, 'owner_default_name');
    return enrollNext(call, { speakerId: null, name, priority: PRIORITIES.owner, requestedBy: request.speaker?.id ?? null }, 'enroll_owner_listen');
  }
  const speaker = request.speaker;
  if (!speaker) return refuse(call, 'owner_exists', 'enroll_owner_exists');
  const priority = speaker.priority === PRIORITIES.blocked ? PRIORITIES.guest : speaker.priority;
  return enrollNext(call, { speakerId: speaker.id, name: speaker.name, priority, requestedBy: speaker.id }, 'enroll_self_listen', { name: speaker.name });
}

/** "This is my friend Anna" (owner only): Anna's next utterance becomes her profile, or adds to it. */
export function enrollOther(call: CommandCall, priority: typeof PRIORITIES.friend | typeof PRIORITIES.guest): CommandAnswer {
  const { request, deps, match } = call;
  if (request.source === TYPED_SOURCE) return refuse(call, 'voice_needed', 'voice_needed');
  const speakers = deps.store.speakers.list();
  if (!ownerOf(speakers)) return refuse(call, 'no_owner', 'enroll_no_owner');
  if (call.role !== 'owner') return refuse(call, 'owner_only', 'owner_only');
  const name = match.args.name!;
  const key = normalizeText(name, call.locale.language);
  const existing = speakers.find((s) => s.priority !== PRIORITIES.owner && normalizeText(s.name, call.locale.language) === key);
  return enrollNext(call, { speakerId: existing?.id ?? null, name: existing?.name ?? name, priority, requestedBy: request.speaker?.id ?? null }, 'enroll_friend_listen', {
    name,
  });
}

/** Block, unblock or forget the last voice Kiwi did not serve (owner only, checked by the caller). */
export function manageLastVoice(call: CommandCall, action: 'block' | 'unblock' | 'forget'): CommandAnswer {
  const { deps, locale } = call;
  const memory = deps.lastVoice;
  const voice = memory?.last() ?? null;
  if (!memory || !voice) return refuse(call, 'no_recent_voice', 'no_recent_voice');
  if (voice.kind === 'unknown') {
    if (action === 'unblock') return answer(call, 'voice_not_blocked');
    if (action === 'forget') {
      memory.set(null);
      return answer(call, 'voice_forgotten');
    }
    const blockedCount = deps.store.speakers.list().filter((s) => isBlocked(s)).length;
    const record = deps.store.speakers.create({
      name: say(locale, 'blocked_voice_name', { number: String(blockedCount + 1) }),
      priority: PRIORITIES.guest,
      is_blocked: true,
      embedding: voice.embedding,
      sample_count: 1,
    });
    deps.bus.emit('SPEAKER_ADDED', { speaker: toApiSpeaker(record) }, 'commands');
    deps.bus.emit('SPEAKER_BLOCKED', { speaker_id: record.id, name: record.name }, 'commands');
    memory.set({ kind: 'profile', speakerId: record.id, heardAt: voice.heardAt });
    return answer(call, 'voice_blocked');
  }
  const record = deps.store.speakers.get(voice.speakerId);
  if (!record) {
    memory.set(null); // the profile was deleted elsewhere (dashboard): nothing is "that voice" any more
    return refuse(call, 'no_recent_voice', 'no_recent_voice');
  }
  if (record.priority === PRIORITIES.owner) return refuse(call, 'voice_is_owner', 'voice_is_owner');
  if (action === 'forget') {
    deps.speakers.delete(record.id);
    memory.set(null);
    return answer(call, 'voice_forgotten');
  }
  const block = action === 'block';
  if (record.is_blocked === block) return answer(call, block ? 'voice_already_blocked' : 'voice_not_blocked');
  deps.speakers.setBlocked(record.id, block);
  return answer(call, block ? 'voice_blocked' : 'voice_unblocked');
}

