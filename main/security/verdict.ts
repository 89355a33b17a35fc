import type { Config } from '../contract/config.ts';
import { roleOf } from '../dialogue/commands/permissions.ts';
import type { Role } from '../dialogue/commands/types.ts';
import type { TurnRequest } from '../engine/listening/turn.ts';
import type { Classification, Classifier } from './classifier.ts';
import { decide, type Decision } from './policy.ts';

/** The pure half of voice security: what the gate decides for a request, before anything is held or audited. */

export interface Verdict {
  role: Role;
  classification: Classification;
  decision: Decision;
}

/** Role, severity and decision for a request, without side effects. */
export function verdictFor(request: Pick<TurnRequest, 'text' | 'language' | 'speaker' | 'source'>, classifier: Classifier, policy: Config['policy']): Verdict {
  const role = roleOf(request);
  const classification = classifier.classify(request.text, request.language);
  return { role, classification, decision: decide(role, classification.severity, policy) };
}

/** The role an exec approval is recorded with: no voice asked for it. */
export const EXEC_ROLE = 'unknown' satisfies Role;
