import type { Config } from '../contract/config.ts';
import { TYPED_SOURCE } from '../dialogue/commands/permissions.ts';
import { isOwner } from '../speakers/roles.ts';
import type { PartialHandler } from '../dialogue/router.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import type { TurnAnswer, TurnRequest } from '../engine/listening/turn.ts';
import { describeError } from '../platform/errors.ts';
import type { Store } from '../store/store.ts';
import { ApprovalBook, type Approval, type ApprovalStatus, type ExecDetails, type HeldRequest, type Resolver } from './approvals.ts';
import { collect, heldTurn, speaksOutcome, type ExecAnswer, type Resolution } from './approval-outcome.ts';
import { approvalView, decisionEntry, resolutionEntry } from './approval-view.ts';
import type { NewAuditEntry } from './audit.ts';
import { Classifier } from './classifier.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { ApprovalQuestion } from './approval-question.ts';
import { securityReply } from './locale.ts';
import { TelegramBotApi } from './telegram/bot-api.ts';
import { TelegramApprovalBot } from './telegram/approval-bot.ts';
import { EXEC_ROLE, verdictFor, type Verdict } from './verdict.ts';
import { createVoiceApprovals } from './voice-approvals.ts';

export type { ExecAnswer, Resolution } from './approval-outcome.ts';
export type { Verdict } from './verdict.ts';

export interface SecurityDeps {
  config: () => Config;
  /** `on`: TURN_STARTED / TURN_FINISHED tell which turn answers Kiwi's approval question (a bare "yes"). */
  bus: Pick<EventBus, 'emit' | 'on'>;
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

export interface ExecHold {
  exec: ExecDetails;
  /** The asking system's own deadline from now, if it has one: Kiwi's approval ends no later. */
  timeoutMs?: number;
  answer: ExecAnswer;
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
  /** Pending exec approvals: approval id → how the owner's answer gets back to the system that asked. */
  readonly #execAnswers = new Map<string, ExecAnswer>();
  /** Kiwi's last spoken approval question, which a bare "yes"/"no" may answer. */
  readonly #question: ApprovalQuestion;
  readonly #offTurns: Array<() => void>;
  readonly #offSpeakers: Array<() => void>;

  constructor(private readonly deps: SecurityDeps) {
    const clock = deps.clock ?? systemClock;
    this.#question = new ApprovalQuestion(clock);
    this.#offTurns = [
      deps.bus.on('TURN_STARTED', ({ turn_id: turnId }) => this.#question.turnStarted(turnId)),
      deps.bus.on('TURN_FINISHED', ({ turn_id: turnId, interrupted, ignored }) => this.#question.turnFinished(turnId, interrupted !== undefined, ignored !== undefined)),
    ];
    this.classifier = deps.classifier ?? new Classifier();
    this.approvals = new ApprovalBook({
      clock,
      timeoutMs: () => deps.config().security.approval_timeout_s * 1000,
      maxPending: () => deps.config().security.max_pending,
      onExpired: (approval) => {
        this.#ended(approval);
        // Expiry is an answer too: an exec is denied where it was asked.
        this.#carryOut(approval, new AbortController().signal).catch((err: unknown) => this.#error('approval_action_failed', describeError(err)));
      },
    });
    this.voiceApprovals = createVoiceApprovals({
      approvals: this.approvals,
      resolveInline: (id, status, by, request) => this.#resolveInline(id, status, by, request),
      askedAbout: (request) => this.#question.answeredBy({ turnId: request.turn_id, source: request.source }, this.deps.config().voice.follow_up_s * 1000),
    });
    // A deleted or blocked speaker's held requests must not run later in their name (the owner would approve someone who is gone).
    this.#offSpeakers = [
      deps.bus.on('SPEAKER_DELETED', ({ speaker_id: speakerId }) => this.#withdraw(speakerId)),
      deps.bus.on('SPEAKER_BLOCKED', ({ speaker_id: speakerId }) => this.#withdraw(speakerId)),
    ];
  }

  /** Role, severity and decision for a request, without side effects. */
  evaluate(request: Pick<TurnRequest, 'text' | 'language' | 'speaker' | 'source'>): Verdict {
    return verdictFor(request, this.classifier, this.deps.config().policy);
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
    for (const off of [...this.#offTurns, ...this.#offSpeakers]) off();
    this.#question.clear();
    this.approvals.dispose();
    this.#execAnswers.clear(); // the asking system's own deadline denies what was left waiting
    await this.#telegram?.stop();
    this.#telegram = null;
  }

  /**
   * Approve or deny from the API or Telegram. An approved request runs at once; its answer is
   * returned and spoken to the room (the requester is usually still there). An exec approval's
   * answer goes back to the system that asked; the answer waiting for it tells the room.
   */
  async resolve(id: string, status: 'approved' | 'denied', by: Resolver): Promise<Resolution> {
    const approval = this.approvals.resolve(id, status, by);
    this.#ended(approval, false);
    const answer = await this.#carryOut(approval, new AbortController().signal);
    if (!speaksOutcome(approval)) return { approval, result: null };
    const language = approval.request.language;
    if (status === 'denied') {
      this.deps.announce(securityReply(language, 'denied', { n: approval.number }), language);
      return { approval, result: null };
    }
    const reply = answer?.reply ? (await collect(answer.reply)) || null : null;
    this.deps.announce([securityReply(language, 'approved'), reply].filter(Boolean).join(' '), language);
    return { approval, result: { command: answer?.command ?? null, reply } };
  }

  /**
   * Hold a command another system (OpenClaw's agent) wants to run, for the owner to answer like
   * any other approval (voice, API, Telegram). Its severity is the classifier's verdict on the
   * command line; the policy does not apply (there is no voice to judge), the owner always decides.
   * Null when too many approvals wait: the caller denies it at once.
   */
  holdExec({ exec, timeoutMs, answer }: ExecHold): Approval | null {
    const language = this.deps.config().language;
    const classification = this.classifier.classify(exec.command, language);
    const request: HeldRequest = { text: securityReply(language, 'exec_request', { command: exec.command }), language, speaker: null, source: exec.requester.toLowerCase(), role: EXEC_ROLE };
    const held = this.approvals.request(request, classification.severity, classification.rule, { exec, timeoutMs });
    if (!held) {
      this.#audit(decisionEntry(request, EXEC_ROLE, classification, 'refuse'));
      return null;
    }
    if (held.created) {
      this.#execAnswers.set(held.approval.id, answer);
      this.#opened(held.approval, decisionEntry(request, EXEC_ROLE, classification, 'approve', held.approval.id));
    }
    return held.approval;
  }

  /**
   * An exec approval was answered where it was asked (another client of that system): close
   * Kiwi's approval without answering again. Null when none is pending for that id (Kiwi's own
   * answer coming back, or one Kiwi never held).
   */
  closeExec(externalId: string, status: 'approved' | 'denied', by: Resolver): Approval | null {
    const pending = this.approvals.pendingExec(externalId);
    if (!pending) return null;
    this.#execAnswers.delete(pending.id);
    const approval = this.approvals.resolve(pending.id, status, by);
    this.#ended(approval, false);
    return approval;
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
    this.#asked(approval, request);
    if (!created) return { command: 'approval_requested', reply: say('approval_still_waiting', { n: approval.number }) };
    this.#opened(approval, decisionEntry(request, role, classification, 'approve', approval.id));
    if (role === 'owner') return { command: 'approval_requested', reply: say('approval_confirm', { n: approval.number }) };
    return { command: 'approval_requested', reply: say('approval_asked', { owner: this.#ownerName(request.language), n: approval.number }) };
  }

  /** Kiwi is telling the room about `approval` in this voice turn: a turn right after it may answer with a bare "yes"/"no". */
  #asked(approval: Approval, request: TurnRequest): void {
    const voice = request.turn_id !== undefined && request.source !== TYPED_SOURCE;
    this.#question.asked(voice ? { approvalId: approval.id, turnId: request.turn_id!, source: request.source } : null);
  }

  /** Voice approvals: the held request runs inside the owner's turn, so its answer is spoken right there. */
  async #resolveInline(id: string, status: 'approved' | 'denied', by: Resolver, turn: TurnRequest): Promise<TurnAnswer | null> {
    const approval = this.approvals.resolve(id, status, by);
    this.#ended(approval, false);
    return this.#carryOut(approval, turn.signal);
  }

  /**
   * What an approval's end sets off, by kind: an exec's outcome (approved, denied, expired) goes
   * back to the system that asked; an approved turn runs again past the gate. Null: nothing to say.
   */
  async #carryOut(approval: Approval, signal: AbortSignal): Promise<TurnAnswer | null> {
    const answer = this.#execAnswers.get(approval.id);
    if (answer) {
      this.#execAnswers.delete(approval.id);
      try {
        await answer(approval.status as Exclude<ApprovalStatus, 'pending'>, approval);
      } catch (err) {
        this.#error('exec_answer_failed', `approval ${approval.number} (${approval.status}) could not be sent back: ${describeError(err)}`);
        throw err;
      }
      return null;
    }
    if (approval.kind !== 'turn' || approval.status !== 'approved') return null;
    return this.deps.resume(heldTurn(approval, signal), approval);
  }

  /** A new approval: audited, announced as an event and sent to Telegram. */
  #opened(approval: Approval, entry: NewAuditEntry): void {
    this.#audit(entry);
    this.deps.bus.emit('APPROVAL_REQUESTED', { approval: approvalView(approval) }, 'security');
    this.#telegram?.notify(approval).catch((err: unknown) => this.#error('telegram_failed', describeError(err)));
  }

  /** Audit, event and Telegram for an approval that just ended; expiries are also spoken. */
  #ended(approval: Approval, announceExpiry = true): void {
    this.#audit(resolutionEntry(approval));
    this.deps.bus.emit('APPROVAL_RESOLVED', { approval: approvalView(approval), outcome: approval.status }, 'security');
    this.#telegram?.finished(approval).catch((err: unknown) => this.#error('telegram_failed', describeError(err)));
    if (approval.status === 'expired' && announceExpiry && speaksOutcome(approval)) {
      const { language } = approval.request;
      this.deps.announce(securityReply(language, 'expired', { n: approval.number }), language);
    }
  }

  /** Deny, silently, what the speaker still has waiting: audited, APPROVAL_RESOLVED, Telegram's message updated. */
  #withdraw(speakerId: string): void {
    for (const approval of this.approvals.withdrawSpeaker(speakerId)) this.#ended(approval, false);
  }

  #audit(entry: NewAuditEntry): void {
    const { audit } = this.deps.store;
    audit.append(entry);
    audit.prune(this.deps.config().security.audit_max_entries);
  }

  #ownerName(language: string): string {
    return this.deps.store.speakers.list().find((s) => isOwner(s))?.name ?? securityReply(language, 'owner_default');
  }

  #speakerName(approval: Approval): string {
    if (approval.exec) return approval.exec.requester;
    const language = this.deps.config().language;
    const { speaker, role } = approval.request;
    if (speaker) return speaker.name;
    return role === 'owner' ? this.#ownerName(language) : securityReply(language, 'unknown_voice');
  }

  #error(code: string, message: string): void {
    this.deps.bus.emit('ERROR', { code, message }, 'security');
  }
}
