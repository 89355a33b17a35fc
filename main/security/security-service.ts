import type { Config } from '../contract/config.ts';
import { roleOf } from '../dialogue/commands/permissions.ts';
import type { Role } from '../dialogue/commands/types.ts';
import type { PartialHandler } from '../dialogue/router.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import type { TurnAnswer, TurnRequest } from '../engine/listening/turn.ts';
import { describeError } from '../platform/errors.ts';
import type { Store } from '../store/store.ts';
import { ApprovalBook, type Approval, type Resolver } from './approvals.ts';
import { approvalView, decisionEntry, resolutionEntry } from './approval-view.ts';
import type { NewAuditEntry } from './audit.ts';
import { Classifier, type Classification } from './classifier.ts';
import { systemClock, type Clock } from './clock.ts';
import { securityReply } from './locale.ts';
import { decide, type Decision } from './policy.ts';
import { TelegramBotApi } from './telegram/bot-api.ts';
import { TelegramApprovalBot } from './telegram/approval-bot.ts';
import { createVoiceApprovals } from './voice-approvals.ts';

export interface SecurityDeps {
  config: () => Config;
  bus: Pick<EventBus, 'emit'>;
  store: Pick<Store, 'audit' | 'speakers'>;
  /**
   * Run an approved request again, past the gate (Home Assistant, then the LLM). The runtime
   * builds this from a router without the gate, so nothing else can skip it.
   */
  resume: (request: TurnRequest, approval: Approval) => Promise<TurnAnswer>;
  /** Say something to the room when there is a voice: expiries, and results of approvals given elsewhere. */
  announce: (text: string, language: string) => void;
  clock?: Clock;
  classifier?: Classifier;
  fetch?: typeof fetch;
}

export interface Verdict {
  role: Role;
  classification: Classification;
  decision: Decision;
}

export interface Resolution {
  approval: Approval;
  /** What the held request answered when it ran (approved), or null (denied). */
  result: { command: string | null; reply: string | null } | null;
}

/**
 * Voice security: classifies every command that gets past the built-in commands, decides by the
 * speaker's role (allow, hold for the owner's approval, refuse), keeps the approvals and their
 * channels (voice, API, Telegram), and writes every decision to the audit log.
 */
export class SecurityService {
  readonly approvals: ApprovalBook;
  readonly classifier: Classifier;
  /** The router's gate: an answer (refusal, "I've asked the owner") ends the turn; null lets it through. */
  readonly gate: PartialHandler = (request) => this.#gate(request);
  /** "approve", "deny two", "deny all", for the router's command list: only the owner's voice may use it. */
  readonly voiceApprovals: PartialHandler;
  #telegram: TelegramApprovalBot | null = null;

  constructor(private readonly deps: SecurityDeps) {
    const clock = deps.clock ?? systemClock;
    this.classifier = deps.classifier ?? new Classifier();
    this.approvals = new ApprovalBook({
      clock,
      timeoutMs: () => deps.config().security.approval_timeout_s * 1000,
      maxPending: () => deps.config().security.max_pending,
      onExpired: (approval) => this.#ended(approval),
    });
    this.voiceApprovals = createVoiceApprovals({ approvals: this.approvals, resolveInline: (id, status, by, request) => this.#resolveInline(id, status, by, request) });
  }

  /** Role, severity and decision for a request, without side effects. */
  evaluate(request: Pick<TurnRequest, 'text' | 'language' | 'speaker' | 'source'>): Verdict {
    const role = roleOf(request);
    const classification = this.classifier.classify(request.text, request.language);
    return { role, classification, decision: decide(role, classification.severity, this.deps.config().policy) };
  }

  /** Start (or restart, after a config change) the Telegram bot when it is enabled and configured. */
  async startTelegram(): Promise<void> {
    await this.#telegram?.stop();
    this.#telegram = null;
    const { enabled, bot_token: token, chat_id: chatId, owner_user_id: ownerUserId, api_base_url: baseUrl } = this.deps.config().telegram;
    if (!enabled) return;
    if (!token || !chatId || !ownerUserId) {
      this.#error('telegram_not_configured', 'Telegram approvals are enabled but telegram.bot_token, chat_id or owner_user_id is empty');
      return;
    }
    this.#telegram = new TelegramApprovalBot({
      api: new TelegramBotApi({ baseUrl, token, fetch: this.deps.fetch }),
      chatId,
      ownerUserId,
      language: () => this.deps.config().language,
      speakerName: (approval) => this.#speakerName(approval),
      resolve: (id, status, by) => this.resolve(id, status, by),
      now: () => (this.deps.clock ?? systemClock).now(),
      onError: (err) => this.#error('telegram_failed', describeError(err)),
    });
    this.#telegram.start();
  }

  async close(): Promise<void> {
    this.approvals.dispose();
    await this.#telegram?.stop();
    this.#telegram = null;
  }

  /**
   * Approve or deny from the API or Telegram. An approved request runs at once; its answer is
   * returned and spoken to the room (the requester is usually still there).
   */
  async resolve(id: string, status: 'approved' | 'denied', by: Resolver): Promise<Resolution> {
    const approval = this.approvals.resolve(id, status, by);
    this.#ended(approval, false);
    const language = approval.request.language;
    if (status === 'denied') {
      this.deps.announce(securityReply(language, 'denied', { n: approval.number }), language);
      return { approval, result: null };
    }
    const answer = await this.deps.resume(this.#heldTurn(approval, new AbortController().signal), approval);
    const reply = answer.reply ? (await collect(answer.reply)) || null : null;
    this.deps.announce([securityReply(language, 'approved'), reply].filter(Boolean).join(' '), language);
    return { approval, result: { command: answer.command, reply } };
  }

  /** Entries of the audit log, newest first, a page at a time. */
  auditPage(limit: number, before?: number) {
    const entries = this.deps.store.audit.list({ limit, before });
    return { entries, next_before: entries.length === limit ? entries[entries.length - 1]!.seq : null };
  }

  async #gate(request: TurnRequest): Promise<TurnAnswer | null> {
    const { role, classification, decision } = this.evaluate(request);
    const say = (key: Parameters<typeof securityReply>[1], values?: Record<string, string | number>) => [securityReply(request.language, key, values)];
    if (decision === 'allow') {
      this.#audit(decisionEntry(request, role, classification, 'allow'));
      return null;
    }
    if (decision === 'refuse') {
      this.#audit(decisionEntry(request, role, classification, 'refuse'));
      return { command: 'refused', reply: role === 'blocked' ? null : say('refused') }; // a blocked voice gets no answer at all
    }
    const held = this.approvals.request({ text: request.text, language: request.language, speaker: request.speaker, source: request.source, role }, classification.severity, classification.rule);
    if (!held) {
      this.#audit(decisionEntry(request, role, classification, 'refuse'));
      return { command: 'refused', reply: say('too_many_pending') };
    }
    const { approval, created } = held;
    if (!created) return { command: 'approval_requested', reply: say('approval_still_waiting', { n: approval.number }) };
    this.#audit(decisionEntry(request, role, classification, 'approve', approval.id));
    this.deps.bus.emit('APPROVAL_REQUESTED', { approval: approvalView(approval) }, 'security');
    this.#telegram?.notify(approval).catch((err: unknown) => this.#error('telegram_failed', describeError(err)));
    if (role === 'owner') return { command: 'approval_requested', reply: say('approval_confirm', { n: approval.number }) };
    return { command: 'approval_requested', reply: say('approval_asked', { owner: this.#ownerName(request.language), n: approval.number }) };
  }

  /** Voice approvals: the held request runs inside the owner's turn, so its answer is spoken right there. */
  async #resolveInline(id: string, status: 'approved' | 'denied', by: Resolver, turn: TurnRequest): Promise<TurnAnswer | null> {
    const approval = this.approvals.resolve(id, status, by);
    this.#ended(approval, false);
    if (status === 'denied') return null;
    return this.deps.resume(this.#heldTurn(approval, turn.signal), approval);
  }

  /** Audit, event and Telegram for an approval that just ended; expiries are also spoken. */
  #ended(approval: Approval, announceExpiry = true): void {
    this.#audit(resolutionEntry(approval));
    this.deps.bus.emit('APPROVAL_RESOLVED', { approval: approvalView(approval), outcome: approval.status }, 'security');
    this.#telegram?.finished(approval).catch((err: unknown) => this.#error('telegram_failed', describeError(err)));
    if (approval.status === 'expired' && announceExpiry) {
      const { language } = approval.request;
      this.deps.announce(securityReply(language, 'expired', { n: approval.number }), language);
    }
  }

  #heldTurn(approval: Approval, signal: AbortSignal): TurnRequest {
    const { text, language, speaker, source } = approval.request;
    return { text, language, speaker, source, signal };
  }

  #audit(entry: NewAuditEntry): void {
    const { audit } = this.deps.store;
    audit.append(entry);
    audit.prune(this.deps.config().security.audit_max_entries);
  }

  #ownerName(language: string): string {
    return this.deps.store.speakers.list().find((s) => s.priority === 0 && !s.is_blocked)?.name ?? securityReply(language, 'owner_default');
  }

  #speakerName(approval: Approval): string {
    const language = this.deps.config().language;
    const { speaker, role } = approval.request;
    if (speaker) return speaker.name;
    return role === 'owner' ? this.#ownerName(language) : securityReply(language, 'unknown_voice');
  }

  #error(code: string, message: string): void {
    this.deps.bus.emit('ERROR', { code, message }, 'security');
  }
}

async function collect(sentences: AsyncIterable<string> | Iterable<string>): Promise<string> {
  const out: string[] = [];
  for await (const sentence of sentences) out.push(sentence.trim());
  return out.filter(Boolean).join(' ');
}
