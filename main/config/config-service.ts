import fs from 'node:fs/promises';
import YAML from 'yaml';
import {
  ConfigPatchSchema,
  ConfigSchema,
  DEFAULT_CONFIG,
  SECRET_PATHS,
  type Config,
  type ConfigPatch,
  type ConfigView,
} from '../contract/config.ts';
import { writeFileAtomic } from '../platform/atomic-write.ts';
import { KiwiError, conflict } from '../platform/errors.ts';
import { describeIssues, parseOrThrow } from '../platform/validate.ts';
import { readEnvLayer, type EnvLayer } from './env.ts';
import { deepMerge, isPlainObject, leafPaths, type Plain } from './merge.ts';

const HEADER = '# Kiwi configuration. Edit while Kiwi is stopped, or change it at runtime from the dashboard or PATCH /api/config.\n';
const REDACTED = '********';

/** Told after every successful PATCH: the new config, what changed (secrets masked) and the changed key paths. */
export type ConfigListener = (config: Config, updated: Plain, paths: string[]) => void;

/**
 * The configuration: the YAML file, overridden by `KIWI_*` variables, changed at runtime by PATCH.
 * PATCH writes the file atomically; variables always win and their keys cannot be patched.
 */
export class ConfigService {
  #file: Config;
  #effective: Config;
  readonly #listeners = new Set<ConfigListener>();

  private constructor(
    readonly path: string,
    file: Config,
    private readonly env: EnvLayer,
  ) {
    this.#file = file;
    this.#effective = this.#withEnv(file);
  }

  static async load(path: string, env: NodeJS.ProcessEnv = process.env): Promise<ConfigService> {
    const layer = readEnvLayer(env);
    const raw = await readYaml(path);
    const file = validate(deepMerge(DEFAULT_CONFIG, raw ?? {}), path);
    const service = new ConfigService(path, file, layer);
    if (raw === undefined) await service.#persist(); // first start: leave a file the user can read and edit
    return service;
  }

  get current(): Config {
    return this.#effective;
  }

  /** What GET /api/config shows: everything but secrets. */
  view(): ConfigView {
    const { llm, homeassistant, api, telegram, mqtt, ...flat } = this.#effective;
    const { api_key: _key, ...safeLlm } = llm;
    const { token: _token, ...safeHa } = homeassistant;
    const { bot_token: _botToken, ...safeTelegram } = telegram;
    const { password: _password, ...safeMqtt } = mqtt;
    const { auth, ...safeApi } = api;
    return { ...flat, tts_qwen_backend: 'local', llm: safeLlm, homeassistant: safeHa, telegram: safeTelegram, mqtt: safeMqtt, api: { ...safeApi, auth: { enabled: auth.enabled } } };
  }

  /** Apply a PATCH body; returns what changed with secrets masked. */
  async patch(body: unknown): Promise<Plain> {
    const patch = parseOrThrow(ConfigPatchSchema, body, 'config patch');
    const paths = leafPaths(patch);
    if (paths.length === 0) throw new KiwiError('invalid_request', 'Invalid config patch: nothing to change', 400);
    for (const p of paths) {
      const variable = this.env.sources.get(p);
      if (variable) throw conflict(`${p} is set by the environment variable ${variable}; unset it to change ${p} here`);
    }
    const next = validate(deepMerge(this.#file, patch), this.path);
    const before = this.#file;
    this.#file = next;
    try {
      await this.#persist();
    } catch (err) {
      this.#file = before;
      throw err;
    }
    this.#effective = this.#withEnv(next);
    const updated = redact(patch);
    for (const listener of this.#listeners) listener(this.#effective, updated, paths);
    return updated;
  }

  onChange(listener: ConfigListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Keys set by the environment, for messages and the dashboard. */
  envSources(): ReadonlyMap<string, string> {
    return this.env.sources;
  }

  #withEnv(file: Config): Config {
    const merged = deepMerge(file, this.env.values);
    merged.api = { ...merged.api, auth: { ...merged.api.auth, tokens: [...merged.api.auth.tokens, ...this.env.tokens] } };
    const result = ConfigSchema.safeParse(merged);
    if (!result.success) throw new KiwiError('invalid_env', `Invalid KIWI_* environment: ${describeIssues(result.error)}`);
    return result.data;
  }

  async #persist(): Promise<void> {
    await writeFileAtomic(this.path, HEADER + YAML.stringify(this.#file), 0o600);
  }
}

async function readYaml(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return YAML.parse(text) ?? {};
  } catch (err) {
    throw new KiwiError('invalid_config', `${path} is not valid YAML: ${(err as Error).message}`);
  }
}

function validate(value: unknown, path: string): Config {
  const result = ConfigSchema.safeParse(value);
  if (!result.success) throw new KiwiError('invalid_config', `${path}: ${describeIssues(result.error)}`);
  return result.data;
}

function redact(patch: ConfigPatch): Plain {
  const copy = structuredClone(patch) as Plain;
  for (const secret of SECRET_PATHS) {
    const [group, key] = secret.split('.') as [string, string];
    const node = copy[group];
    if (isPlainObject(node) && key in node) node[key] = REDACTED;
  }
  return copy;
}
