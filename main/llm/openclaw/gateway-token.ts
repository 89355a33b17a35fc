import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSON5 from 'json5';

/**
 * The gateway token where OpenClaw keeps it, for when llm.api_key is empty: OPENCLAW_GATEWAY_TOKEN,
 * else `gateway.auth.token` in OpenClaw's own config (OPENCLAW_CONFIG_PATH, else
 * $OPENCLAW_STATE_DIR/openclaw.json, else ~/.openclaw/openclaw.json; JSON5, read only, never written).
 * A token kept as a SecretRef (an object) is not resolved here: set llm.api_key instead.
 */
export function discoverGatewayToken(env: NodeJS.ProcessEnv = process.env, configFile = openClawConfigPath(env)): string {
  const fromEnv = env.OPENCLAW_GATEWAY_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  let text: string;
  try {
    text = fs.readFileSync(configFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new Error(`cannot read OpenClaw's config ${configFile}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON5.parse(text);
  } catch (err) {
    throw new Error(`OpenClaw's config ${configFile} is not valid JSON5: ${(err as Error).message}`, { cause: err });
  }
  const token = (parsed as { gateway?: { auth?: { token?: unknown } } } | null)?.gateway?.auth?.token;
  return typeof token === 'string' ? token.trim() : '';
}

export function openClawConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OPENCLAW_CONFIG_PATH) return env.OPENCLAW_CONFIG_PATH;
  const stateDir = env.OPENCLAW_STATE_DIR || path.join(env.OPENCLAW_HOME || env.HOME || os.homedir(), '.openclaw');
  return path.join(stateDir, 'openclaw.json');
}
