/** Voice security: severity classifier, policy by speaker role, approvals (voice, API, Telegram) and the audit log. */
export { SecurityService, type Resolution, type SecurityDeps, type Verdict } from './security-service.ts';
export { Classifier, classify, type Classification, type RuleMatch } from './classifier.ts';
export { DEFAULT_POLICY, decide, effectivePolicy, type Decision, type PolicyConfig, type PolicyMatrix } from './policy.ts';
export { ApprovalBook, type Approval, type ApprovalChannel, type HeldRequest, type Resolver } from './approvals.ts';
export { SEVERITIES, type Severity } from './severity.ts';
