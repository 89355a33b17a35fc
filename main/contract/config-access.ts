import { z } from 'zod';

/** The config's groups for who may do what: the API (listener, tokens, rate limits) and voice security. */

export const SCOPES = ['read', 'control', 'admin'] as const;
export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

export const ApiToken = z
  .object({
    name: z.string().min(1).max(64),
    token: z.string().min(16, 'a token needs at least 16 characters').max(256),
    scopes: z.array(Scope).min(1),
    speaker_id: z
      .string()
      .regex(/^spk_[a-z0-9_]{1,48}$/, 'a speaker id looks like spk_001')
      .optional()
      .describe("the speaker this token belongs to: without admin, it sees only that speaker's conversation history"),
  })
  .strict();

export const ApiSettings = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(0).max(65535),
    auth: z.object({ enabled: z.boolean(), tokens: z.array(ApiToken).max(64) }).strict(),
    allowed_hosts: z.array(z.string().min(1).max(255)).max(32),
    max_audio_clients: z.number().int().min(0).max(32),
    /** Requests per client address and route class (token buckets: a whole minute's worth may come at once). */
    rate_limits: z
      .object({
        enabled: z.boolean(),
        auth_failures_per_minute: z.number().int().min(1).max(10_000).describe('wrong tokens and logins; past it, credentials are refused for a while'),
        commands_per_minute: z.number().int().min(1).max(100_000).describe('chat, TTS test, enrolment, Home Assistant commands, model downloads'),
        requests_per_minute: z.number().int().min(1).max(1_000_000).describe('every other API request (status, reads, settings)'),
      })
      .strict(),
  })
  .strict();

/** Voice security (main/security): approvals and the audit log. */
export const SecuritySettings = z
  .object({
    approval_timeout_s: z.number().int().min(10).max(3600).describe('how long a request held for the owner waits before it expires'),
    max_pending: z.number().int().min(1).max(50).describe('how many approvals may wait at once; further requests are refused'),
    audit_max_entries: z.number().int().min(100).max(1_000_000).describe('the audit log keeps this many newest entries'),
  })
  .strict();

/** Voice security's policy: for each speaker role and command severity, allow, ask the owner (approve) or refuse. */
const PolicyDecision = z.enum(['allow', 'approve', 'refuse']);
export const POLICY_ROLES = ['owner', 'friend', 'guest', 'unknown'] as const;
export const POLICY_SEVERITIES = ['safe', 'warning', 'dangerous', 'critical'] as const;
const policyCell = (role: string, severity: string) =>
  PolicyDecision.describe(`${role === 'unknown' ? 'an unknown voice' : `a ${role}`} asking for something ${severity === 'safe' ? 'safe' : `rated ${severity}`}`);

/** role_severity → allow | approve | refuse (blocked voices are always refused). Typed API turns count as the owner. */
export const PolicySettings = z
  .object(
    Object.fromEntries(POLICY_ROLES.flatMap((role) => POLICY_SEVERITIES.map((severity) => [`${role}_${severity}`, policyCell(role, severity)]))) as Record<
      `${(typeof POLICY_ROLES)[number]}_${(typeof POLICY_SEVERITIES)[number]}`,
      typeof PolicyDecision
    >,
  )
  .strict();
