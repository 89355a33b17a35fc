import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { DEFAULT_CONFIG } from '../contract/config.ts';
import { KiwiError } from '../platform/errors.ts';
import { makeTempDir } from '../testing/kiwi-test-server.ts';
import { ConfigService } from './config-service.ts';

describe('ConfigService', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await makeTempDir('kiwi-config-');
    file = path.join(dir, 'config.yaml');
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** The KiwiError `load` rejects with. */
  async function loadError(env: NodeJS.ProcessEnv = {}): Promise<KiwiError> {
    const err: unknown = await ConfigService.load(file, env).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KiwiError);
    return err as KiwiError;
  }

  it('writes a readable defaults file on first start (mode 0600)', async () => {
    const config = await ConfigService.load(file, {});
    expect(config.current).toEqual(DEFAULT_CONFIG);
    const text = await fs.readFile(file, 'utf8');
    expect(text.startsWith('#')).toBe(true);
    expect(YAML.parse(text)).toEqual(DEFAULT_CONFIG);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('does not rewrite an existing file on load', async () => {
    await fs.writeFile(file, 'language: de\n');
    const config = await ConfigService.load(file, {});
    expect(config.current.language).toBe('de');
    expect(config.current.wake_word).toBe(DEFAULT_CONFIG.wake_word);
    expect(await fs.readFile(file, 'utf8')).toBe('language: de\n');
  });

  it('an empty file means all defaults', async () => {
    await fs.writeFile(file, '');
    expect((await ConfigService.load(file, {})).current).toEqual(DEFAULT_CONFIG);
  });

  it('layers: defaults < YAML file < KIWI_* environment', async () => {
    await fs.writeFile(file, YAML.stringify({ language: 'de', wake_word: 'jarvis', llm: { provider: 'openai', model: 'gpt-x' } }));
    const config = await ConfigService.load(file, { KIWI_LANGUAGE: 'fr', KIWI_LLM_MODEL: 'other-model', KIWI_PORT: '8123', KIWI_LISTENING: 'off', KIWI_HA_TOKEN: 'tok' });
    expect(config.current).toMatchObject({
      language: 'fr',
      wake_word: 'jarvis',
      listening: false,
      llm: { provider: 'openai', model: 'other-model', base_url: '' },
      homeassistant: { token: 'tok', enabled: false },
      api: { port: 8123, host: '127.0.0.1' },
    });
    expect(config.envSources().get('language')).toBe('KIWI_LANGUAGE');
    expect(config.envSources().get('llm.model')).toBe('KIWI_LLM_MODEL');
  });

  it('KIWI_API_TOKEN adds an admin token on top of the file tokens', async () => {
    const config = await ConfigService.load(file, { KIWI_API_TOKEN: 'env-token-0123456789abcdef' });
    expect(config.current.api.auth.tokens).toEqual([{ name: 'KIWI_API_TOKEN', token: 'env-token-0123456789abcdef', scopes: ['admin'] }]);
  });

  it('environment values are not written into the file by a PATCH', async () => {
    const config = await ConfigService.load(file, { KIWI_LANGUAGE: 'fr', KIWI_HA_TOKEN: 'secret-from-env' });
    await config.patch({ wake_word: 'computer' });
    const saved = YAML.parse(await fs.readFile(file, 'utf8')) as typeof DEFAULT_CONFIG;
    expect(saved.wake_word).toBe('computer');
    expect(saved.language).toBe('en');
    expect(saved.homeassistant.token).toBe('');
    expect(config.current.language).toBe('fr');    // GET /api/config says which keys the environment sets (the dashboard shows them locked).
    expect(config.view().set_by_env).toEqual({ language: 'KIWI_LANGUAGE', 'homeassistant.token': 'KIWI_HA_TOKEN' });
  });

  it('invalid YAML is a clear error naming the file', async () => {
    await fs.writeFile(file, 'language: [en\nwake_word: "x\n');
    const err = await loadError();
    expect(err.code).toBe('invalid_config');
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/YAML/);
  });

  it.each([
    ['language: xx\n', 'language'],
    ['tts_speed: fast\n', 'tts_speed'],
    ['llm:\n  provider: skynet\n', 'llm.provider'],
    ['api:\n  port: 70000\n', 'api.port'],
    ['homeassistant:\n  url: ftp://ha.local\n', 'homeassistant.url'],
    ['api:\n  auth:\n    enabled: true\n    tokens:\n      - name: short\n        token: abc\n        scopes: [read]\n', 'api.auth.tokens.0.token'],
    ['no_such_key: 1\n', 'no_such_key'],
    ['voice:\n  min_silence_ms: 3000\n  max_silence_ms: 100\n', 'voice.min_silence_ms'],
    ['wake_word: "ki\\0wi"\n', 'wake_word'],
    ['stt_model: ../../../etc\n', 'stt_model'],
    ['voice:\n  speaker_model: /etc/passwd\n', 'voice.speaker_model'],
  ])('invalid value %j is a clear error naming the file and %s', async (yaml, key) => {
    await fs.writeFile(file, yaml);
    const err = await loadError();
    expect(err.code).toBe('invalid_config');
    expect(err.message).toContain(file);
    expect(err.message).toContain(key);
  });

  it.each([
    [{ KIWI_PORT: 'abc' }, 'KIWI_PORT'],
    [{ KIWI_PORT: ' ' }, 'KIWI_PORT'],
    [{ KIWI_LISTENING: 'maybe' }, 'KIWI_LISTENING'],
    [{ KIWI_ALLOW_NSFW: 'sure' }, 'KIWI_ALLOW_NSFW'],
  ])('a bad environment value %j is a clear error naming the variable', async (env, name) => {
    const err = await loadError(env);
    expect(err.code).toBe('invalid_env');
    expect(err.message).toContain(name);
  });

  it.each([
    [{ KIWI_PORT: '99999' }, 'api.port'],
    [{ KIWI_LANGUAGE: 'klingon' }, 'language'],
    [{ KIWI_HA_URL: 'not a url' }, 'homeassistant.url'],
  ])('an environment value the schema refuses (%j) names the variable and the key', async (env, key) => {
    const err = await loadError(env);
    expect(err.code).toBe('invalid_env');
    expect(err.message).toContain(`${Object.keys(env)[0]} (${key})`);
  });

  it('PATCH persists atomically: the file is replaced, no temp files are left, mode stays 0600', async () => {
    const config = await ConfigService.load(file, {});
    await fs.chmod(file, 0o644);
    const updated = await config.patch({ language: 'ru', llm: { model: 'm1' } });
    expect(updated).toEqual({ language: 'ru', llm: { model: 'm1' } });
    expect(YAML.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ language: 'ru', llm: { model: 'm1', provider: 'none' } });
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await fs.readdir(dir)).toEqual(['config.yaml']);
  });

  it('start removes the temp files a kill -9 mid-write left behind, but not a write in progress or anything else', async () => {
    await fs.writeFile(file, 'language: de\n');
    const stale = '.config.yaml.0123456789ab.tmp';
    const fresh = '.config.yaml.ba9876543210.tmp'; // another process (kiwi say) writing right now
    const notOurs = ['.config.yaml.notours.tmp', '.other.yaml.0123456789ab.tmp', 'notes.tmp'];
    for (const name of [stale, fresh, ...notOurs]) await fs.writeFile(path.join(dir, name), 'language: half-writ');
    const old = new Date(Date.now() - 10 * 60_000);
    for (const name of [stale, ...notOurs]) await fs.utimes(path.join(dir, name), old, old);
    const config = await ConfigService.load(file, {});
    expect(config.current.language).toBe('de');
    expect((await fs.readdir(dir)).sort()).toEqual([fresh, ...notOurs, 'config.yaml'].sort());
  });

  it("tts_qwen_backend, which GET shows (seed contract), is accepted back by PATCH and in the file as 'local' only", async () => {
    await fs.writeFile(file, 'language: de\ntts_qwen_backend: local\n');
    const config = await ConfigService.load(file, {});
    expect(config.view().tts_qwen_backend).toBe('local');
    const calls: string[][] = [];
    config.onChange((_c, _u, paths) => calls.push(paths));
    expect(await config.patch({ tts_qwen_backend: 'local' })).toEqual({ tts_qwen_backend: 'local' });
    expect(calls).toEqual([]); // nothing changed
    expect(await config.patch({ tts_qwen_backend: 'local', language: 'ru' })).toEqual({ tts_qwen_backend: 'local', language: 'ru' });
    expect(calls).toEqual([['language']]);
    expect(YAML.parse(await fs.readFile(file, 'utf8'))).not.toHaveProperty('tts_qwen_backend');
    const refused: unknown = await config.patch({ tts_qwen_backend: 'api' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 400, message: expect.stringContaining("can only be 'local'") });
    await fs.writeFile(file, 'tts_qwen_backend: cloud\n');
    const err = await loadError();
    expect(err.message).toContain("tts_qwen_backend: every Kiwi voice runs on this computer, so it can only be 'local'");
  });

  it('concurrent PATCHes are serialised: the file ends up valid and matching memory', async () => {
    const config = await ConfigService.load(file, {});
    await Promise.all(Array.from({ length: 20 }, (_, i) => config.patch({ tts_voice: `voice_${i}`, tts_speed: 0.5 + i / 20 })));
    const saved = YAML.parse(await fs.readFile(file, 'utf8')) as typeof DEFAULT_CONFIG;
    expect(saved.tts_voice).toBe(config.current.tts_voice);
    expect(saved.tts_speed).toBe(config.current.tts_speed);
    expect(await fs.readdir(dir)).toEqual(['config.yaml']);
  });

  it('a refused PATCH changes nothing, in memory or on disk', async () => {
    const config = await ConfigService.load(file, { KIWI_WAKE_WORD: 'computer' });
    const before = await fs.readFile(file, 'utf8');
    const calls: string[][] = [];
    config.onChange((_c, _u, paths) => calls.push(paths));
    for (const body of [{ language: 'xx' }, { nope: 1 }, {}, { api: { port: 1 } }, { wake_word: 'jarvis' }, { tts_speed: 5 }]) {
      await expect(config.patch(body)).rejects.toBeInstanceOf(KiwiError);
    }
    await expect(config.patch({ wake_word: 'jarvis' })).rejects.toMatchObject({ status: 409 });
    expect(await fs.readFile(file, 'utf8')).toBe(before);
    expect(config.current.language).toBe('en');
    expect(calls).toEqual([]);
  });

  it('listeners get the changed paths; secrets are masked in what they are told', async () => {
    const config = await ConfigService.load(file, {});
    const calls: Array<{ updated: unknown; paths: string[] }> = [];
    config.onChange((_c, updated, paths) => calls.push({ updated, paths }));
    const answer = await config.patch({ llm: { api_key: 'sk-secret-value', model: 'm' }, homeassistant: { token: 'ha-secret-value' } });
    expect(JSON.stringify(answer)).not.toContain('secret-value');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.paths.sort()).toEqual(['homeassistant.token', 'llm.api_key', 'llm.model']);
    expect(JSON.stringify(calls[0]!.updated)).not.toContain('secret-value');
    expect(config.current.llm.api_key).toBe('sk-secret-value');
    const view = config.view();
    expect(JSON.stringify(view)).not.toContain('secret-value');
  });

  it('a password inside a URL is masked like the other secrets, and sending the masked URL back keeps it', async () => {
    const config = await ConfigService.load(file, {});
    const calls: unknown[] = [];
    config.onChange((_c, updated) => calls.push(updated));
    const answer = await config.patch({ mqtt: { url: 'mqtt://kiwi:pw-secret-value@ha.local:1883' } });
    expect(JSON.stringify([answer, calls, config.view()])).not.toContain('pw-secret-value');
    expect(config.view().mqtt.url).toBe('mqtt://kiwi:********@ha.local:1883');
    // A script that PATCHes back what GET showed changes nothing.
    await config.patch({ mqtt: { url: 'mqtt://kiwi:********@ha.local:1883', base_topic: 'kiwi2' } });
    expect(config.current.mqtt.url).toBe('mqtt://kiwi:pw-secret-value@ha.local:1883');
    // A masked password cannot go with another address: it would be sent there as '********'.
    const err: unknown = await config.patch({ mqtt: { url: 'mqtt://kiwi:********@elsewhere:1883' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, message: expect.stringContaining('mqtt.url has a masked password') });
    expect(config.current.mqtt.url).toBe('mqtt://kiwi:pw-secret-value@ha.local:1883');
  });

  it('view() never contains api tokens', async () => {
    await fs.writeFile(file, YAML.stringify({ api: { auth: { enabled: true, tokens: [{ name: 'a', token: 'token-value-0123456789', scopes: ['read'] }] } } }));
    const config = await ConfigService.load(file, { KIWI_API_TOKEN: 'env-token-value-0123456789' });
    const text = JSON.stringify(config.view());
    expect(text).not.toContain('token-value-0123456789');
    expect(config.view().api.auth).toEqual({ enabled: true });
  });
  describe('meaning, not just shape (issue 14)', () => {
    const known = async () => ({
      models: [
        { id: 'stt-whisper-tiny', task: 'stt' },
        { id: 'silero-vad', task: 'vad' },
      ],
      souls: [
        { id: 'default', nsfw: false },
        { id: 'pirate', nsfw: false },
        { id: 'siren', nsfw: true },
      ],
    });
    async function patchError(config: ConfigService, body: unknown): Promise<KiwiError> {
      const err: unknown = await config.patch(body).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(KiwiError);
      return err as KiwiError;
    }

    it.each([
      [{ stt_model: '../../../etc' }, 'stt_model', /not a model id/],
      [{ stt_model: 'silero-vad' }, 'stt_model', /no stt model 'silero-vad'.*stt-whisper-tiny/],
      [{ voice: { min_silence_ms: 3000, max_silence_ms: 100 } }, 'voice.min_silence_ms', /more than voice.max_silence_ms \(100\)/],
      [{ voice: { max_silence_ms: 200 } }, 'voice.min_silence_ms', /500 is more than/],
      [{ wake_word: 'ki\u0000wi' }, 'wake_word', /control characters/],
      [{ wake_word: 'ki\u202ewi' }, 'wake_word', /invisible/], // a bidi override: shows as another word
      [{ wyoming: { enabled: true, host: '0.0.0.0' } }, 'wyoming.allowed_clients', /beyond loopback/],
      [{ souls: { default: 'nobody' } }, 'souls.default', /no soul 'nobody' \(one of: default, pirate, siren\)/],
      [{ souls: { default: 'siren' } }, 'souls.default', /'siren' is an 18\+ soul; set souls.allow_nsfw to true/],
      [{ souls: { default: 'siren', allow_nsfw: false } }, 'souls.default', /18\+/],
    ])('PATCH %j is a 400 naming %s, and nothing is written', async (body, key, why) => {
      const config = await ConfigService.load(file, {});
      await config.useKnownIds(known);
      const before = await fs.readFile(file, 'utf8');
      const err = await patchError(config, body);
      expect(err.status).toBe(400);
      expect(err.message).toContain(`${key}: `);
      expect(err.message).toMatch(why);
      expect(await fs.readFile(file, 'utf8')).toBe(before);
      expect(config.current).toEqual(DEFAULT_CONFIG);
    });

    it('accepts ids that exist and a printable wake word in any script', async () => {
      const config = await ConfigService.load(file, {});
      await config.useKnownIds(known);
      await config.patch({ stt_model: 'stt-whisper-tiny', wake_word: 'キウイ', souls: { default: 'pirate' } });
      expect(config.current).toMatchObject({ stt_model: 'stt-whisper-tiny', wake_word: 'キウイ', souls: { default: 'pirate' } });
    });

    it('an 18+ souls.default is fine in the PATCH that allows 18+ souls (or with KIWI_ALLOW_NSFW); taking the permission back is never refused', async () => {
      const config = await ConfigService.load(file, {});
      await config.useKnownIds(known);
      await config.patch({ souls: { default: 'siren', allow_nsfw: true } });
      await config.patch({ souls: { allow_nsfw: false } }); // the soul service falls back to the built-in default and says so
      expect(config.current.souls).toEqual({ default: 'siren', allow_nsfw: false });
      await fs.writeFile(file, '');
      const fromEnv = await ConfigService.load(file, { KIWI_ALLOW_NSFW: 'true' });
      await fromEnv.useKnownIds(known);
      await fromEnv.patch({ souls: { default: 'siren' } });
      expect(fromEnv.current.souls.default).toBe('siren');
    });

    it('at start-up, an id naming nothing is a clear error naming the file and key (or the variable that set it)', async () => {
      await fs.writeFile(file, 'stt_model: stt-nope\n');
      const config = await ConfigService.load(file, {});
      const err: unknown = await config.useKnownIds(known).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'invalid_config', message: expect.stringContaining(`${file}: stt_model: no stt model 'stt-nope'`) });
      await fs.writeFile(file, '');
      const fromEnv = await ConfigService.load(file, { KIWI_STT_MODEL: 'stt-nope' });
      const envErr: unknown = await fromEnv.useKnownIds(known).catch((e: unknown) => e);
      expect(envErr).toMatchObject({ message: expect.stringContaining('stt_model (set by KIWI_STT_MODEL)') });
    });

    it('at start-up, a souls.default naming no soul (a file removed by hand) is not fatal, and the file keeps it', async () => {
      await fs.writeFile(file, 'souls:\n  default: nobody\n');
      const config = await ConfigService.load(file, {});
      await config.useKnownIds(known); // SoulService falls back to the built-in default and reports it
      expect(config.current.souls.default).toBe('nobody');
      expect(await fs.readFile(file, 'utf8')).toBe('souls:\n  default: nobody\n');
      // Other keys can still be changed; souls.default itself only to a soul that exists.
      await config.patch({ wake_word: 'computer' });
      expect(YAML.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ wake_word: 'computer', souls: { default: 'nobody' } });
      expect((await patchError(config, { souls: { default: 'nobody-else' } })).status).toBe(400);
    });

    it('at start-up, Wyoming beyond loopback without allowed clients is not fatal: Kiwi runs without it (its status says why)', async () => {
      await fs.writeFile(file, 'wyoming:\n  enabled: true\n  host: 0.0.0.0\n');
      const config = await ConfigService.load(file, {});
      await config.useKnownIds(known);
      expect(config.current.wyoming.host).toBe('0.0.0.0');
      await config.patch({ wyoming: { allowed_clients: ['192.168.1.20'] } }); // fixing it is a PATCH like any other
      expect(config.current.wyoming.allowed_clients).toEqual(['192.168.1.20']);
    });

    it('a read-only config file is not replaced by PATCH: 409 config_read_only naming it', async () => {
      const config = await ConfigService.load(file, {});
      await fs.chmod(file, 0o400);
      const before = await fs.readFile(file, 'utf8');
      const err = await patchError(config, { wake_word: 'computer' });
      expect(err).toMatchObject({ code: 'config_read_only', status: 409 });
      expect(err.message).toContain(file);
      expect(await fs.readFile(file, 'utf8')).toBe(before);
      expect((await fs.stat(file)).mode & 0o777).toBe(0o400);
      expect(config.current.wake_word).toBe('kiwi');
    });

    it('a file edited by hand while Kiwi runs is not overwritten by PATCH: 409 config_edited, the edit kept', async () => {
      const config = await ConfigService.load(file, {});
      await config.patch({ wake_word: 'computer' }); // Kiwi's own writes are not "edits"
      const edited = `${await fs.readFile(file, 'utf8')}# my note\nlanguage: de\n`.replace('language: en\n', '');
      await fs.writeFile(file, edited);

      const err = await patchError(config, { tts_speed: 1.2 });

      expect(err).toMatchObject({ code: 'config_edited', status: 409 });
      expect(err.message).toContain(file);
      expect(err.message).toMatch(/Restart Kiwi/);
      expect(await fs.readFile(file, 'utf8')).toBe(edited);
      expect(config.current.tts_speed).toBe(1);
      // After a restart the edit is loaded, and PATCH works again.
      const restarted = await ConfigService.load(file, {});
      expect(restarted.current.language).toBe('de');
      await restarted.patch({ tts_speed: 1.2 });
      expect(YAML.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ language: 'de', tts_speed: 1.2, wake_word: 'computer' });
    });

    it('a config file deleted while Kiwi runs is written again by PATCH (nothing to lose)', async () => {
      const config = await ConfigService.load(file, {});
      await fs.rm(file);
      await config.patch({ wake_word: 'computer' });
      expect(YAML.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ wake_word: 'computer' });
    });
  });
});
