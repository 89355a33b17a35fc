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
import { removeStaleTemps, writeFileAtomic } from '../platform/atomic-write.ts';
import { KiwiError, conflict } from '../platform/errors.ts';
import { SerialQueue } from '../platform/serial-queue.ts';
import { describeIssues, parseOrThrow } from '../platform/validate.ts';
import { configProblems, describeProblems, type KnownIds } from './config-meaning.ts';
import { readEnvLayer, type EnvLayer } from './env.ts';
import { deepMerge, isPlainObject, leafPaths, type Plain } from './merge.ts';
import { eachUrl, maskUrlPassword, unmaskUrlPassword } from './url-passwords.ts';

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
  #known: (() => Promise<KnownIds>) | null = null;
  readonly #patches = new SerialQueue();
  /** The file's text as Kiwi last read or wrote it: anything else on disk is an edit by hand. */
  #onDisk: string | undefined;

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
    await removeStaleTemps(path); // a kill -9 mid-PATCH leaves `.config.yaml.<hex>.tmp` behind; a live write is left alone
    const read = await readYaml(path);
    const file = validate(deepMerge(DEFAULT_CONFIG, withoutQwenBackend(read?.value ?? {}, path)), path);
    const service = new ConfigService(path, file, layer);
    service.#onDisk = read?.text;
    if (read === undefined) await service.#persist(); // first start: leave a file the user can read and edit
    return service;
  }

  get current(): Config {
    return this.#effective;
  }

  /**
   * Once the catalog and souls are loaded: from now on ids must name something that exists, and
   * the config as it is now is checked (start-up: a clear error naming the file and the key).
   * A key Kiwi can run on without (souls.default naming a soul file removed by hand) is not fatal:
   * whoever falls back reports it, and the file keeps what the user wrote.
   */
  async useKnownIds(known: () => Promise<KnownIds>): Promise<void> {
    this.#known = known;
    const problems = configProblems(this.#effective, await known()).filter((p) => !p.fallback);
    if (problems.length > 0) {
      const where = (p: string) => (this.env.sources.has(p) ? `${p} (set by ${this.env.sources.get(p)})` : p);
      throw new KiwiError('invalid_config', `${this.path}: ${problems.map((p) => `${where(p.path)}: ${p.message}`).join('; ')}`);
    }
  }

  /** What GET /api/config shows: everything but secrets. */
  view(): ConfigView {
    const { llm, homeassistant, api, telegram, mqtt, ...flat } = this.#effective;
    const { api_key: _key, ...safeLlm } = llm;
    const { token: _token, ...safeHa } = homeassistant;
    const { bot_token: _botToken, ...safeTelegram } = telegram;
    const { password: _password, ...safeMqtt } = mqtt;
    const { auth, ...safeApi } = api;
    const view = {
      ...flat,
      tts_qwen_backend: 'local' as const,
      llm: safeLlm,
      homeassistant: safeHa,
      telegram: safeTelegram,
      mqtt: safeMqtt,
      api: { ...safeApi, auth: { enabled: auth.enabled } },
      set_by_env: Object.fromEntries(this.env.sources),
    };
    eachUrl(view, (_key, url) => maskUrlPassword(url)); // a password inside a URL is a secret too
    return view;
  }

  /** Apply a PATCH body; returns what changed with secrets masked. Patches run one after another. */
  patch(body: unknown): Promise<Plain> {
    return this.#patches.run(() => this.#patch(body));
  }

  /**
   * Run `job` between PATCHes, never during one. Soul files are written and deleted under it, so
   * a PATCH naming a soul (souls.default) and that soul's deletion cannot cross. `job` must not PATCH.
   */
  exclusive<T>(job: () => Promise<T>): Promise<T> {
    return this.#patches.run(job);
  }

  async #patch(body: unknown): Promise<Plain> {
    // tts_qwen_backend is in the seed contract; 'local' is all Kiwi has, so it is accepted and changes nothing.
    const { tts_qwen_backend: qwenBackend, ...patch } = parseOrThrow(ConfigPatchSchema, body, 'config patch');
    // A URL sent back as GET shows it (password masked) keeps the stored password.
    const file = this.#file as unknown as Record<string, Record<string, unknown>>;
    eachUrl(patch, (key, url, group, field) => unmaskUrlPassword(key, url, String(file[group]?.[field] ?? '')));
    const paths = leafPaths(patch);
    const echo = qwenBackend === undefined ? {} : { tts_qwen_backend: qwenBackend };
    if (paths.length === 0 && qwenBackend !== undefined) return echo;
    if (paths.length === 0) throw new KiwiError('invalid_request', 'Invalid config patch: nothing to change', 400);
    for (const p of paths) {
      const variable = this.env.sources.get(p);
      if (variable) throw conflict(`${p} is set by the environment variable ${variable}; unset it to change ${p} here`);
    }
    const next = parseOrThrow(ConfigSchema, deepMerge(this.#file, patch), 'config patch');
    // Checked with the variables applied: KIWI_ALLOW_NSFW=true allows an 18+ souls.default the file alone would not.
    const problems = configProblems(this.#withEnv(next), await this.#known?.()).filter((p) => paths.some((changed) => relates(changed, p.path)));
    if (problems.length > 0) {
      const conflicts = new Set(problems.map((p) => p.conflict));
      const [only] = conflicts;
      // Every problem is one of state (a model not installed yet): 409 with its code, not "invalid".
      if (conflicts.size === 1 && only !== undefined) throw new KiwiError(only, `Config not changed: ${describeProblems(problems)}`, 409);
      throw new KiwiError('invalid_request', `Invalid config patch: ${describeProblems(problems)}`, 400);
    }
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
    return { ...updated, ...echo };
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
    if (!result.success) {
      // Name the variable the user set, not only the key it feeds: KIWI_PORT (api.port): Too big.
      const issues = result.error.issues.slice(0, 5).map((issue) => {
        const key = issue.path.join('.');
        const variable = this.env.sources.get(key);
        return `${variable ? `${variable} (${key})` : key || 'config'}: ${issue.message}`;
      });
      throw new KiwiError('invalid_env', `Invalid KIWI_* environment: ${issues.join('; ')}`);
    }
    return result.data;
  }

  async #persist(): Promise<void> {
    await refuseReadOnly(this.path);
    await this.#refuseEditedByHand();
    const text = HEADER + YAML.stringify(this.#file);
    await writeFileAtomic(this.path, text, 0o600);
    this.#onDisk = text;
  }

  /**
   * The user edited the file while Kiwi runs: writing the in-memory config over it would throw
   * their edits away without a word. Refuse instead; a restart loads them. (A deleted file is
   * simply written again: there is nothing to lose.)
   */
  async #refuseEditedByHand(): Promise<void> {
    if (this.#onDisk === undefined) return;
    const now = await fs.readFile(this.path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (now !== undefined && now !== this.#onDisk) {
      throw new KiwiError(
        'config_edited',
        `${this.path} was edited outside Kiwi since Kiwi read it; Kiwi will not overwrite those edits. Restart Kiwi to load them (or undo them), then change settings here`,
        409,
      );
    }
  }
}

async function readYaml(path: string): Promise<{ text: string; value: unknown } | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return { text, value: YAML.parse(text) ?? {} };
  } catch (err) {
    throw new KiwiError('invalid_config', `${path} is not valid YAML: ${(err as Error).message}`);
  }
}

/**
 * GET shows the seed's `tts_qwen_backend: local`; a file written from it (or by Kiwi Voice) may
 * carry the key. 'local' is dropped (it is all Kiwi has); anything else is a clear error.
 */
function withoutQwenBackend(value: unknown, path: string): unknown {
  if (!isPlainObject(value) || !('tts_qwen_backend' in value)) return value;
  const { tts_qwen_backend: backend, ...rest } = value;
  if (backend !== 'local') {
    throw new KiwiError('invalid_config', `${path}: tts_qwen_backend: every Kiwi voice runs on this computer, so it can only be 'local' (got ${JSON.stringify(backend)})`);
  }
  return rest;
}

function validate(value: unknown, path: string): Config {
  const result = ConfigSchema.safeParse(value);
  if (!result.success) throw new KiwiError('invalid_config', `${path}: ${describeIssues(result.error)}`);
  const problems = configProblems(result.data).filter((p) => !p.fallback);
  if (problems.length > 0) throw new KiwiError('invalid_config', `${path}: ${describeProblems(problems)}`);
  return result.data;
}

/** A problem belongs to a patch when the patch changed that key or one it depends on (min/max silence go together). */
function relates(changed: string, problem: string): boolean {
  if (changed === problem) return true;
  if (problem === 'voice.min_silence_ms') return changed.startsWith('voice.') && changed.endsWith('_silence_ms');
  // Wyoming beyond loopback without allowed clients: switching it on, moving its host or emptying the list.
  return problem === 'wyoming.allowed_clients' && changed.startsWith('wyoming.');
}

/**
 * The user made the config file read-only (chmod a-w): PATCH must not quietly replace it (an
 * atomic write renames over it, which a read-only file does not prevent). Mode bits, not
 * access(2): root may write anything, and the user's intent is what counts.
 */
async function refuseReadOnly(path: string): Promise<void> {
  let mode: number;
  try {
    mode = (await fs.stat(path)).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (process.platform !== 'win32' && (mode & 0o200) === 0) {
    throw new KiwiError('config_read_only', `${path} is read-only, so Kiwi will not change it; make it writable (chmod u+w) to change settings here`, 409);
  }
}

function redact(patch: ConfigPatch): Plain {
  const copy = structuredClone(patch) as Plain;
  for (const secret of SECRET_PATHS) {
    const [group, key] = secret.split('.') as [string, string];
    const node = copy[group];
    if (isPlainObject(node) && key in node) node[key] = REDACTED;
  }
  eachUrl(copy, (_key, url) => maskUrlPassword(url));
  return copy;
}
