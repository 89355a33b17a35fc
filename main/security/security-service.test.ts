import { afterEach, describe, expect, it } from 'vitest';
import { KiwiError } from '../platform/errors.ts';
import { makeSecurityHarness, type SecurityHarness } from './testing/security-harness.ts';
import { LANGUAGES } from '../contract/languages.ts';
import type { SpeakerRecord } from '../store/store.ts';
import { matchApprovalIntent, matchBareAnswer } from './approval-intent.ts';
import { securityLocale, securityReply } from './locale.ts';

let h: SecurityHarness;
afterEach(async () => h?.close());

const eventsNamed = (name: string) => h.events.filter((e) => e.event === name);
const audit = () => h.store.audit.list({ limit: 100 }).reverse();

describe('security gate', () => {
  it('lets safe requests through for everyone but a blocked voice, and audits each decision', async () => {
    h = makeSecurityHarness();
    const { owner, friend, guest, blocked } = h.voices;
    for (const who of [owner, friend, guest, null, 'typed' as const]) expect(await h.route(h.turn("what's the weather tomorrow", who))).toBeNull();
    expect(await h.route(h.turn("what's the weather tomorrow", blocked))).toEqual({ command: 'refused', reply: null }); // silently
    expect(audit().map((e) => [e.role, e.outcome, e.severity])).toEqual([
      ['owner', 'allow', 'safe'],
      ['friend', 'allow', 'safe'],
      ['guest', 'allow', 'safe'],
      ['unknown', 'allow', 'safe'],
      ['owner', 'allow', 'safe'],
      ['blocked', 'refuse', 'safe'],
    ]);
    expect(audit()[1]).toMatchObject({ speaker_id: friend.id, speaker_name: 'Anna', source: 'mic', text: "what's the weather tomorrow", language: 'en', rule: null });
  });

  it("refuses what a role may not do, in the turn's language, and nothing is held or run", async () => {
    h = makeSecurityHarness();
    const { friend, guest } = h.voices;
    expect(await h.route(h.turn('unlock the front door', guest))).toEqual({ command: 'refused', reply: "Sorry, I can't do that for you." });
    expect(await h.route(h.turn('transfer 200 euros to my account', friend))).toMatchObject({ command: 'refused' });
    expect(await h.route(h.turn('read my messages', null))).toMatchObject({ command: 'refused' }); // unknown voice, warning
    expect(await h.route(h.turn('Öffne die Haustür', guest, 'de'))).toEqual({ command: 'refused', reply: 'Tut mir leid, das kann ich für dich nicht tun.' });
    expect(h.resumed).toEqual([]);
    expect(eventsNamed('APPROVAL_REQUESTED')).toEqual([]);
    expect(audit().map((e) => [e.outcome, e.rule])).toEqual([
      ['refuse', 'unlock_door'],
      ['refuse', 'transfer_money'],
      ['refuse', 'read_private'],
      ['refuse', 'unlock_door'],
    ]);
  });

  it('holds what needs approval, says whom it asked, emits APPROVAL_REQUESTED and audits it', async () => {
    h = makeSecurityHarness();
    const { owner, friend } = h.voices;
    expect(await h.route(h.turn('buy me a new phone', friend))).toEqual({
      command: 'approval_requested',
      reply: "I've asked Maria to approve that. It's request number 1.",
    });
    const [requested] = eventsNamed('APPROVAL_REQUESTED');
    expect(requested).toMatchObject({
      source: 'security',
      data: { approval: { number: 1, status: 'pending', text: 'buy me a new phone', role: 'friend', speaker: { id: friend.id, name: 'Anna' }, severity: 'dangerous', rule: { rule: 'purchase', source: 'en' } } },
    });
    const id = (requested!.data.approval as { id: string }).id;
    expect(audit().at(-1)).toMatchObject({ outcome: 'approve', approval_id: id, rule: 'purchase' });

    // Asking again does not page the owner twice.
    expect((await h.route(h.turn('Buy me a new phone', friend)))?.reply).toBe("That request is still waiting for approval. It's number 1.");
    expect(h.security.approvals.pending()).toHaveLength(1);

    // The owner's own critical requests need a confirmation too (voice or typed).
    expect((await h.route(h.turn('unlock the front door', owner)))?.reply).toBe(
      'That needs your confirmation. Say "approve", or confirm on the dashboard. It\'s request number 2.',
    );
    expect((await h.route(h.turn('open the garage', 'typed')))?.command).toBe('approval_requested');
    expect(h.resumed).toEqual([]);
  });

  it("runs the held request as the original speaker when the owner's voice approves, inside the owner's turn", async () => {
    h = makeSecurityHarness();
    const { owner, friend } = h.voices;
    await h.route(h.turn('buy me a new phone', friend));
    const approveTurn = h.turn('Kiwi, approve please', owner);
    expect(await h.route(approveTurn)).toEqual({ command: 'approval', reply: 'Approved. Done: buy me a new phone.' });
    expect(h.resumed).toHaveLength(1);
    const { request, approval } = h.resumed[0]!;
    expect(request).toMatchObject({ text: 'buy me a new phone', language: 'en', source: 'mic', speaker: { id: friend.id, name: 'Anna' } });
    expect(request.signal).toBe(approveTurn.signal); // "stop" during the owner's turn stops the released request too
    expect(approval).toMatchObject({ status: 'approved', resolvedBy: { channel: 'voice', who: owner.id } });
    expect(eventsNamed('APPROVAL_RESOLVED').at(-1)).toMatchObject({ data: { outcome: 'approved', approval: { status: 'approved', resolved_by: { channel: 'voice', who: owner.id } } } });
    expect(audit().at(-1)).toMatchObject({ outcome: 'approved', approval_id: approval.id, resolved_by: `voice:${owner.id}`, speaker_id: friend.id });
    expect(h.security.approvals.pending()).toEqual([]);
    // With nothing waiting, "approve" is ordinary speech: it goes on (and is safe).
    expect(await h.route(h.turn('approve', owner))).toBeNull();
  });

  it("accepts answers only from the owner's voice: not friends, unknown voices, or typed turns", async () => {
    h = makeSecurityHarness();
    const { friend, guest, blocked } = h.voices;
    await h.route(h.turn('buy me a new phone', friend));
    for (const who of [friend, guest, null]) {
      expect(await h.route(h.turn('approve', who))).toEqual({ command: 'approval', reply: "Only the owner's voice can approve or deny requests." });
    }
    // Typed turns act as the owner elsewhere, so "your voice is not the owner's" would be wrong: say where typed answers go.
    expect(await h.route(h.turn('approve', 'typed'))).toEqual({
      command: 'approval',
      reply: "A typed answer can't approve or deny requests: use Approvals on the dashboard, or the owner's voice.",
    });
    expect(await h.route(h.turn('одобряю', 'typed', 'ru'))).toMatchObject({ reply: expect.stringContaining('Текстом запросы не одобряются') });
    expect(await h.route(h.turn('approve', blocked))).toEqual({ command: 'approval', reply: null });
    expect(h.security.approvals.pending()).toHaveLength(1);
    expect(h.resumed).toEqual([]);
  });

  it('with several pending: asks which one, approves or denies by number (digits or words), denies all', async () => {
    h = makeSecurityHarness();
    const { owner, friend, guest } = h.voices;
    await h.route(h.turn('buy me a new phone', friend));
    await h.route(h.turn('order a pizza', friend));
    await h.route(h.turn('send a message to Tom', guest));
    await h.route(h.turn('delete all my photos', friend));
    expect((await h.route(h.turn('approve', owner)))?.reply).toBe(
      '4 requests are waiting: number 1, buy me a new phone; number 2, order a pizza; number 3, send a message to Tom; number 4, delete all my photos. Say approve or deny with the number.',
    );
    expect((await h.route(h.turn('approve number two', owner)))?.reply).toBe('Approved. Done: order a pizza.');
    expect((await h.route(h.turn('deny 1', owner)))?.reply).toBe('Request number 1 denied.');
    expect((await h.route(h.turn('approve 7', owner)))?.reply).toBe("There's no waiting request number 7.");
    expect((await h.route(h.turn('deny all', owner)))?.reply).toBe('Denied all waiting requests: 2.');
    expect(h.resumed.map((r) => r.request.text)).toEqual(['order a pizza']);
    expect(audit().filter((e) => e.outcome === 'denied').map((e) => e.text)).toEqual(['buy me a new phone', 'send a message to Tom', 'delete all my photos']);
  });

  it('answers by place in the list ("the second one", "the last one"), only where it cannot mean another request', async () => {
    h = makeSecurityHarness();
    const { owner, friend, guest } = h.voices;
    for (const [text, who] of [['buy me a new phone', friend], ['order a pizza', friend], ['send a message to Tom', guest], ['delete all my photos', friend]] as const) await h.route(h.turn(text, who));
    expect(h.security.approvals.pending().map((a) => a.number)).toEqual([1, 2, 3, 4]);
    expect(await h.route(h.turn('approve the second one', friend))).toEqual({ command: 'approval', reply: "Only the owner's voice can approve or deny requests." });
    expect((await h.route(h.turn('Kiwi, approve the second one', owner)))?.reply).toBe('Approved. Done: order a pizza.');
    expect((await h.route(h.turn('deny the last one', owner)))?.reply).toBe('Request number 4 denied.');
    // Number 2 finished just now, so "the second one" could be request 3 (second in the list now) or the 2 heard before: Kiwi asks.
    expect((await h.route(h.turn('deny the second one', owner)))?.reply).toBe(
      '2 requests are waiting: number 1, buy me a new phone; number 3, send a message to Tom. Say approve or deny with the number.',
    );
    // Number 4 was the last one heard; it finished, so "the last one" is not quietly number 3.
    expect((await h.route(h.turn('approve the last one', owner)))?.reply).toMatch(/^2 requests are waiting/);
    expect((await h.route(h.turn('deny the first one', owner)))?.reply).toBe('Request number 1 denied.');
    expect(h.resumed.map((r) => r.request.text)).toEqual(['order a pizza']);
    // Other languages' "the last one"; nothing waiting: not an approval at all.
    await h.route(h.turn('send a message to Anna', guest));
    expect(h.security.approvals.pending().map((a) => a.number)).toEqual([3, 5]);
    expect((await h.route(h.turn('отклони последний запрос', owner, 'ru')))?.reply).toBe('Запрос номер 5 отклонён.');
    // Number 5, the last one, has just finished: "the last one" now would be number 3, so Kiwi asks.
    expect((await h.route(h.turn('最後のを却下して', owner, 'ja')))?.reply).toMatch(/^1件のリクエストが待っています：3番/);
    expect((await h.route(h.turn('3番を却下して', owner, 'ja')))?.reply).toBe('リクエスト3番を却下しました。');
    expect(await h.route(h.turn('deny the last one', owner))).toBeNull();
  });

  it('with many waiting, "which one?" says how many and names the three that expire first', async () => {
    h = makeSecurityHarness();
    const { owner, friend, guest } = h.voices;
    const texts = ['buy me a new phone', 'order a pizza', 'send a message to Tom', 'delete all my photos', 'order some flowers', 'buy a new laptop'];
    for (const text of texts) {
      await h.route(h.turn(text, text.startsWith('send') ? guest : friend));
      h.clock.advance(1_000);
    }
    expect(h.security.approvals.pending()).toHaveLength(6);
    await h.route(h.turn('deny 1', owner)); // number 1 stays out of use for the answer window
    await h.route(h.turn('buy me a new phone', friend));
    expect((await h.route(h.turn('approve', owner)))?.reply).toBe(
      '6 requests are waiting. The next three to expire: number 2, order a pizza; number 3, send a message to Tom; number 4, delete all my photos. Say approve or deny with the number.',
    );
  });

  it('asks again rather than count places in a list a newer request joined ahead of older ones', async () => {
    h = makeSecurityHarness((c) => (c.security.approval_timeout_s = 300));
    const { owner, friend, guest } = h.voices;
    await h.route(h.turn('buy me a new phone', friend));
    expect((await h.route(h.turn('deny', owner)))?.reply).toBe('Request number 1 denied.');
    h.clock.advance(200_000);
    await h.route(h.turn('order a pizza', friend));
    h.clock.advance(101_000); // number 1 is free again
    await h.route(h.turn('send a message to Tom', guest));
    expect(h.security.approvals.pending().map((a) => [a.number, a.request.text])).toEqual([[1, 'send a message to Tom'], [2, 'order a pizza']]);
    // Whoever heard "number 2, order a pizza" first may mean the pizza by "the first one", or by "the last one" the newest.
    expect((await h.route(h.turn('approve the first one', owner)))?.reply).toMatch(/^2 requests are waiting: number 1, send a message to Tom; number 2/);
    expect((await h.route(h.turn('approve the last one', owner)))?.reply).toMatch(/^2 requests are waiting/);
    expect(h.resumed).toEqual([]);
    expect((await h.route(h.turn('approve number two', owner)))?.reply).toBe('Approved. Done: order a pizza.');
  });

  it.each([
    ['en', 'approve the second one', 'approve', 2],
    ['en', 'deny the first one', 'deny', 1],
    ['en', 'approve the last one', 'approve', 'last'],
    ['ru', 'одобри последний', 'approve', 'last'],
    ['es', 'aprueba la última', 'approve', 'last'],
    ['pt', 'recusa o último pedido', 'deny', 'last'],
    ['fr', 'approuve la dernière demande', 'approve', 'last'],
    ['it', "rifiuta l'ultima", 'deny', 'last'],
    ['de', 'lehne die letzte Anfrage ab', 'deny', 'last'],
    ['tr', 'sonuncuyu onayla', 'approve', 'last'],
    ['pl', 'odrzuć ostatnią prośbę', 'deny', 'last'],
    ['zh', '批准最后一个', 'approve', 'last'],
    ['ja', '二番目を承認して', 'approve', 2],
    ['ko', '마지막 거 거절해', 'deny', 'last'],
    ['hi', 'आखिरी वाला मंज़ूर है', 'approve', 'last'],
    ['ar', 'ارفض الطلب الأخير', 'deny', 'last'],
    ['id', 'setujui yang terakhir', 'approve', 'last'],
  ] as const)('%s: "%s" is %s by place (%s)', (language, text, kind, position) => {
    expect(matchApprovalIntent(text, language)).toEqual({ kind, number: null, position, language });
  });

  it('understands approvals in the turn language (Russian, Japanese)', async () => {
    h = makeSecurityHarness();
    const { owner, friend } = h.voices;
    await h.route(h.turn('закажи пиццу', friend, 'ru'));
    await h.route(h.turn('ピザを注文して', friend, 'ja'));
    expect((await h.route(h.turn('одобри номер один', owner, 'ru')))?.reply).toBe('Одобрено. Done: закажи пиццу.');
    expect((await h.route(h.turn('却下', owner, 'ja')))?.reply).toBe('リクエスト2番を却下しました。');
  });

  describe('a bare "yes" / "no" from the owner, right after Kiwi asked about a request', () => {
    let turns = 0;
    /** A voice turn as the engine runs it: TURN_STARTED, the routing, TURN_FINISHED once its answer is spoken. */
    const voiceTurn = async (text: string, who: SpeakerRecord | null, options: { source?: string; language?: string; finish?: boolean } = {}) => {
      const { source = 'mic', language = 'en', finish = true } = options;
      const turnId = `turn_${++turns}`;
      h.bus.emit('TURN_STARTED', { turn_id: turnId, kind: 'voice', source }, 'engine');
      const answer = await h.route({ ...h.turn(text, who, language), source, turn_id: turnId });
      const finished = () =>
        h.bus.emit(
          'TURN_FINISHED',
          { turn_id: turnId, wake: false, transcript: text, language, speaker: null, command: answer?.command ?? null, reply: answer?.reply ?? null, timings_ms: {}, source: 'voice' },
          'engine',
        );
      if (finish) finished();
      return Object.assign(answer ?? { command: null, reply: null }, { finished });
    };
    const pendingTexts = () => h.security.approvals.pending().map((a) => a.request.text);
    /** A turn the engine dropped unanswered (Kiwi's own echo, speech without the wake word): `finish` ends it. */
    const ignoredTurn = (reason: string) => {
      const turnId = `turn_${++turns}`;
      h.bus.emit('TURN_STARTED', { turn_id: turnId, kind: 'voice', source: 'mic' }, 'engine');
      const base = { turn_id: turnId, wake: false, transcript: '', language: 'en', speaker: null, command: null, reply: null, timings_ms: {}, source: 'voice' };
      return { finish: () => h.bus.emit('TURN_FINISHED', { ...base, ignored: reason }, 'engine') };
    };

    it('"yes" approves the one request Kiwi just asked about and runs it; "нет" denies it', async () => {
      h = makeSecurityHarness();
      const { owner, friend } = h.voices;
      // Kiwi hears its own question back (echo) and then someone without the wake word: both ignored, neither counts.
      const asking = await voiceTurn('buy me a new phone', friend, { finish: false });
      expect(asking.reply).toBe("I've asked Maria to approve that. It's request number 1.");
      const echo = ignoredTurn("Kiwi's own voice");
      asking.finished();
      echo.finish();
      h.clock.advance(1000);
      ignoredTurn('no wake word').finish();
      h.clock.advance(2000);
      expect(await voiceTurn('yes', owner)).toMatchObject({ command: 'approval', reply: 'Approved. Done: buy me a new phone.' });
      expect(h.resumed.map((r) => r.request.text)).toEqual(['buy me a new phone']);
      expect(eventsNamed('APPROVAL_RESOLVED').at(-1)).toMatchObject({ data: { outcome: 'approved', approval: { resolved_by: { channel: 'voice', who: owner.id } } } });

      // Two waiting: the bare answer goes to the one just asked about, never to the other.
      await voiceTurn('order a pizza', friend);
      await voiceTurn('закажи суши', friend, { language: 'ru' });
      // (number 1 was answered a moment ago, so these two are 2 and 3)
      expect(await voiceTurn('нет', owner, { language: 'ru' })).toMatchObject({ command: 'approval', reply: securityReply('ru', 'denied', { n: 3 }) });
      expect(pendingTexts()).toEqual(['order a pizza']);
      // Used once: another "yes" is conversation.
      expect(await voiceTurn('yes', owner)).toMatchObject({ command: null, reply: null });
      expect(pendingTexts()).toEqual(['order a pizza']);
      expect(h.resumed).toHaveLength(1);
    });

    it('anywhere else a bare "yes" is conversation and releases nothing', async () => {
      h = makeSecurityHarness((c) => (c.voice.follow_up_s = 8));
      const { owner, friend, guest } = h.voices;
      const stillWaiting = async () => {
        expect(pendingTexts()).toEqual(['buy me a new phone']);
        expect(h.resumed).toEqual([]);
      };
      const ask = () => voiceTurn('buy me a new phone', friend);

      // Another turn came between (an LLM question "shall I go on?" and its "yes").
      await ask();
      await voiceTurn("what's the weather tomorrow", owner);
      expect(await voiceTurn('yes', owner)).toMatchObject({ command: null });
      await stillWaiting();

      // Later than the follow-up window after the question.
      await ask();
      h.clock.advance(8001);
      expect(await voiceTurn('yes', owner)).toMatchObject({ command: null });
      await stillWaiting();

      // Someone else answered first (the friend's own "yes"); the owner's "yes" after that is conversation.
      await ask();
      expect(await voiceTurn('yes', friend)).toMatchObject({ command: null });
      expect(await voiceTurn('yes', owner)).toMatchObject({ command: null });
      await ask();
      expect(await voiceTurn('yes', guest)).toMatchObject({ command: null });
      await ask();
      expect(await voiceTurn('yes', null)).toMatchObject({ command: null });
      await stillWaiting();

      // From another microphone than the one Kiwi asked on.
      await ask();
      expect(await voiceTurn('yes', owner, { source: 'browser-1' })).toMatchObject({ command: null });
      await stillWaiting();

      // Over Kiwi while it was still asking (the question may not have been heard), or after an interrupted question.
      const asking = await voiceTurn('buy me a new phone', friend, { finish: false });
      expect(await voiceTurn('yes', owner)).toMatchObject({ command: null });
      asking.finished();
      await stillWaiting();

      // A typed request: Kiwi asked nobody in the room.
      expect((await h.route({ ...h.turn('open the garage', 'typed'), turn_id: 'turn_typed' }))?.command).toBe('approval_requested');
      expect(await voiceTurn('yes', owner)).toMatchObject({ command: null });
      expect(pendingTexts()).toEqual(['buy me a new phone', 'open the garage']);

      // With nothing asked and nothing said in between, "yes" is still just "yes"; "approve" keeps working as before.
      expect(await voiceTurn('approve number one', owner)).toMatchObject({ command: 'approval', reply: 'Approved. Done: buy me a new phone.' });
    });

    it('understands a bare yes and no in every language', () => {
      for (const language of LANGUAGES) {
        const { approval } = securityLocale(language).file;
        expect(matchBareAnswer(approval.yes[0]!, language), `${language} ${approval.yes[0]}`).toBe('yes');
        expect(matchBareAnswer(approval.no[0]!, language), `${language} ${approval.no[0]}`).toBe('no');
      }
      expect(matchBareAnswer('Yes.', 'en')).toBe('yes');
      expect(matchBareAnswer('Kiwi, yes please', 'en')).toBe('yes');
      expect(matchBareAnswer('はい', 'ja')).toBe('yes');
      expect(matchBareAnswer('Да.', 'ru')).toBe('yes');
      // Only the whole utterance, and only in the turn's language (Polish "no" is a "yeah").
      expect(matchBareAnswer('yes, I like jazz', 'en')).toBeNull();
      expect(matchBareAnswer('no', 'pl')).toBeNull();
      expect(matchBareAnswer('nie', 'pl')).toBe('no');
    });
  });

  it.each([
    ['ru', 'отклони второй запрос', 'deny', 2],
    ['ru', 'одобри третий запрос', 'approve', 3],
    ['de', 'genehmige die zweite', 'approve', 2],
    ['de', 'lehne die erste ab', 'deny', 1],
    ['ko', '두 번째 승인해', 'approve', 2],
    ['ko', '첫 번째 거절', 'deny', 1],
    ['ar', 'وافق على الطلب رقم ٢', 'approve', 2],
  ] as const)('%s: "%s" is %s number %i', (language, text, kind, number) => {
    expect(matchApprovalIntent(text, language)).toEqual({ kind, number, language });
  });

  it('takes a request number in Arabic-Indic or Devanagari digits, as STT writes them', async () => {
    h = makeSecurityHarness();
    const { owner, friend } = h.voices;
    for (const text of ['order a pizza', 'buy me a new phone', 'send a message to Tom']) await h.route(h.turn(text, friend));
    expect((await h.route(h.turn('وافق على الطلب رقم ٢', owner, 'ar')))?.reply).toBe('تمت الموافقة. Done: buy me a new phone.');
    expect((await h.route(h.turn('३ नंबर को नामंज़ूर करो', owner, 'hi')))?.reply).toContain('3');
    expect(h.resumed.map((r) => r.request.text)).toEqual(['buy me a new phone']);
    expect(h.security.approvals.pending().map((a) => a.request.text)).toEqual(['order a pizza']);
  });

  it('expires held requests on time (controllable clock): event, spoken line, audit; late answers are refused', async () => {
    h = makeSecurityHarness((c) => (c.security.approval_timeout_s = 60));
    const { owner, friend } = h.voices;
    await h.route(h.turn('buy me a new phone', friend));
    const id = h.security.approvals.pending()[0]!.id;
    h.clock.advance(59_999);
    expect(eventsNamed('APPROVAL_RESOLVED')).toEqual([]);
    h.clock.advance(1);
    expect(eventsNamed('APPROVAL_RESOLVED')).toMatchObject([{ data: { outcome: 'expired', approval: { id, status: 'expired', resolved_by: null } } }]);
    expect(h.announced).toEqual([{ text: "Request number 1 wasn't approved in time, so I didn't do it.", language: 'en' }]);
    expect(audit().at(-1)).toMatchObject({ outcome: 'expired', approval_id: id });
    expect(await h.route(h.turn('approve', owner))).toBeNull();
    await expect(h.security.resolve(id, 'approved', { channel: 'api', who: 'test' })).rejects.toMatchObject({ status: 409 });
    expect(h.resumed).toEqual([]);
  });

  it('does not give an expired request\'s number to the next request: "approve one" about it is told it expired', async () => {
    h = makeSecurityHarness((c) => (c.security.approval_timeout_s = 60));
    const { owner, friend } = h.voices;
    await h.route(h.turn('buy me a new phone', friend));
    h.clock.advance(60_000); // request 1 expires; the owner heard "request number 1" a minute ago
    await h.route(h.turn('delete all my photos', friend));
    expect(h.security.approvals.pending().map((a) => [a.number, a.request.text])).toEqual([[2, 'delete all my photos']]);
    expect((await h.route(h.turn('approve number one', owner)))?.reply).toBe("Request number 1 wasn't approved in time, so I didn't do it.");
    expect(h.resumed).toEqual([]);
    expect(h.security.approvals.pending()).toHaveLength(1);
  });

  it('resolves by API: approved runs it and speaks the answer; denied never runs', async () => {
    h = makeSecurityHarness();
    const { friend } = h.voices;
    await h.route(h.turn('buy me a new phone', friend));
    await h.route(h.turn('order a pizza', friend));
    const [a, b] = h.security.approvals.pending();
    const approved = await h.security.resolve(a!.id, 'approved', { channel: 'api', who: 'dashboard' });
    expect(approved.result).toEqual({ command: 'homeassistant', reply: 'Done: buy me a new phone.' });
    expect(h.announced.at(-1)).toEqual({ text: 'Approved. Done: buy me a new phone.', language: 'en' });
    const denied = await h.security.resolve(b!.id, 'denied', { channel: 'api', who: 'dashboard' });
    expect(denied).toMatchObject({ result: null, approval: { status: 'denied' } });
    expect(h.resumed.map((r) => r.request.text)).toEqual(['buy me a new phone']);
    expect(audit().slice(-2).map((e) => [e.outcome, e.resolved_by])).toEqual([
      ['approved', 'api:dashboard'],
      ['denied', 'api:dashboard'],
    ]);
    await expect(h.security.resolve('apr_ffffffffffffffff', 'approved', { channel: 'api', who: 'x' })).rejects.toBeInstanceOf(KiwiError);
  });

  it('refuses when too many approvals are waiting', async () => {
    h = makeSecurityHarness((c) => (c.security.max_pending = 2));
    const { friend } = h.voices;
    await h.route(h.turn('buy me a new phone', friend));
    await h.route(h.turn('order a pizza', friend));
    expect(await h.route(h.turn('delete all my photos', friend))).toEqual({
      command: 'refused',
      reply: 'Too many requests are already waiting for approval. Please try again later.',
    });
    expect(audit().at(-1)).toMatchObject({ outcome: 'refuse', rule: 'delete_files' });
  });

  it('follows policy overrides from the config, read on every turn', async () => {
    h = makeSecurityHarness();
    const { friend } = h.voices;
    h.config.policy.friend_dangerous = 'refuse';
    expect((await h.route(h.turn('buy me a new phone', friend)))?.command).toBe('refused');
    h.config.policy.friend_dangerous = 'allow';
    expect(await h.route(h.turn('buy me a new phone', friend))).toBeNull();
  });

  it('pages the audit log newest first and keeps it to audit_max_entries', async () => {
    h = makeSecurityHarness((c) => (c.security.audit_max_entries = 4));
    for (const text of ['one', 'two', 'three', 'four', 'five', 'six']) await h.route(h.turn(text, 'typed'));
    const first = h.security.auditPage(3);
    expect(first.entries.map((e) => e.text)).toEqual(['six', 'five', 'four']);
    expect(first.next_before).toBe(first.entries[2]!.seq);
    const second = h.security.auditPage(3, first.next_before!);
    expect(second).toEqual({ entries: [expect.objectContaining({ text: 'three' })], next_before: null });
    expect(second.entries[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});
