import { afterEach, describe, expect, it } from 'vitest';
import { SpeakerService } from '../speakers/speaker-service.ts';
import { makeSecurityHarness, type SecurityHarness } from './testing/security-harness.ts';

// A speaker deleted or blocked from the dashboard (SpeakerService, on the runtime's one bus) while a
// request of theirs waits for the owner: nothing of it may run later in their name.
let h: SecurityHarness;
afterEach(async () => h?.close());

const resolved = () => h.events.filter((e) => e.event === 'APPROVAL_RESOLVED').map((e) => e.data as { outcome: string; approval: { text: string; resolved_by: unknown } });
const auditOf = (approvalId: string) => h.store.audit.list({ limit: 100 }).filter((e) => e.approval_id === approvalId);

describe("a speaker's pending approvals when the speaker goes", () => {
  it.each([
    ['deleted', (s: SpeakerService, id: string) => s.delete(id)],
    ['blocked', (s: SpeakerService, id: string) => s.setBlocked(id, true)],
  ])('are withdrawn (denied, by nobody) when the speaker is %s; the owner can no longer run them', async (_, remove) => {
    h = makeSecurityHarness();
    const speakers = new SpeakerService(h.store, h.bus);
    const { owner, friend } = h.voices;
    await h.route(h.turn('buy me a new phone', friend));
    await h.route(h.turn('unlock the front door', owner));
    const [phone, door] = h.security.approvals.pending();

    remove(speakers, friend.id);

    expect(h.security.approvals.pending().map((a) => a.request.text)).toEqual(['unlock the front door']);
    expect(resolved()).toEqual([expect.objectContaining({ outcome: 'denied', approval: expect.objectContaining({ text: 'buy me a new phone', resolved_by: null }) })]);
    expect(auditOf(phone!.id).map((e) => [e.outcome, e.resolved_by])).toContainEqual(['denied', null]);
    expect(h.announced).toEqual([]); // nobody is waiting for that answer in the room

    // "approve" now means the one request left; the withdrawn one answers 409 on the API.
    expect((await h.route(h.turn('approve', owner)))?.reply).toBe('Approved. Done: unlock the front door.');
    await expect(h.security.resolve(phone!.id, 'approved', { channel: 'api', who: 'admin' })).rejects.toMatchObject({ status: 409 });
    expect(h.resumed.map((r) => r.approval.id)).toEqual([door!.id]);
  });
});
