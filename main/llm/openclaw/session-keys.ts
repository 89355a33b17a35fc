import { createHash } from 'node:crypto';
import type { LlmConfig } from '../types.ts';

type Target = LlmConfig['openclaw'];

/**
 * The gateway session for a Kiwi conversation (a speaker, or `<speaker>:nsfw` for an nsfw soul):
 * `agent:<agent>:<session>-<speaker>`, with llm.openclaw's nsfw agent and session for nsfw ones.
 */
export function sessionKeyFor(target: Target, conversation = 'default'): string {
  const nsfw = conversation.endsWith(':nsfw');
  const agent = (nsfw && target.nsfw_agent) || target.agent;
  const session = (nsfw && target.nsfw_session) || target.session;
  let slug = conversation.toLowerCase().replace(/:/g, '-');
  if (!/^[a-z0-9_-]{1,120}$/.test(slug)) {
    // Anything else is made safe, and a hash keeps two such names from sharing a session.
    const hash = createHash('sha256').update(conversation).digest('hex').slice(0, 10);
    slug = `${slug.replace(/[^a-z0-9_-]+/g, '-').slice(0, 80)}-${hash}`;
  }
  return `agent:${agent}:${session}-${slug}`;
}

/** Whether a gateway session is one of Kiwi's (`agent:*:<session>-…`): its exec approvals are Kiwi's to answer. */
export function ownsSession(target: Target, sessionKey: string): boolean {
  const { session, nsfw_session } = target;
  const name = sessionKey.split(':')[2] ?? '';
  return sessionKey.startsWith('agent:') && [session, nsfw_session].some((prefix) => prefix && name.startsWith(`${prefix}-`));
}
