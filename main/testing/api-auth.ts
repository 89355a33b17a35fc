import type { Scope } from '../contract/config.ts';

/** API tokens for tests that run Kiwi with api.auth on (main/server/*.test.ts). */
export interface TestToken {
  name: string;
  token: string;
  scopes: Scope[];
  /** The speaker the token belongs to (it sees only their private data without admin). */
  speaker_id?: string;
}

/** One token value per scope, long enough for the config's minimum. */
export const SCOPE_TOKENS = {
  read: 'read-token-0123456789abcdef',
  control: 'control-token-0123456789abcdef',
  admin: 'admin-token-0123456789abcdef',
} as const;

/** One token per scope, named reader (read), controller (control) and root (admin). */
export const scopeTokens = (values: { read: string; control: string; admin: string } = SCOPE_TOKENS): TestToken[] => [
  { name: 'reader', token: values.read, scopes: ['read'] },
  { name: 'controller', token: values.control, scopes: ['control'] },
  { name: 'root', token: values.admin, scopes: ['admin'] },
];

/** config.yaml's `api` group with auth on and these tokens. */
export const authOn = (tokens: TestToken[] = scopeTokens()) => ({ auth: { enabled: true, tokens } });

/** The Authorization header that presents a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
