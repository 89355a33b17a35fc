import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../contract/config.ts';
import { KiwiError } from '../platform/errors.ts';
import { OPEN_GRANT } from './auth.ts';
import { checkSecretDestinations, redirectingKeys } from './secret-destinations.ts';

const withKey: Config = { ...DEFAULT_CONFIG, llm: { ...DEFAULT_CONFIG.llm, provider: 'openai', base_url: 'https://api.openai.com/v1', api_key: 'sk-stored' } };
const control = { name: 'scripts', scopes: ['read' as const, 'control' as const] };

describe('a stored secret goes nowhere new without admin', () => {
  it('moving llm.base_url or the provider while an API key is stored redirects the key', () => {
    expect(redirectingKeys({ llm: { base_url: 'http://127.0.0.1:9999/v1' } }, withKey)).toEqual(['llm.base_url']);
    expect(redirectingKeys({ llm: { provider: 'ollama' } }, withKey)).toEqual(['llm.provider']);
  });

  it('is fine with no secret stored, the same value again, a new secret in the same change, or other keys', () => {
    expect(redirectingKeys({ llm: { base_url: 'http://127.0.0.1:9999/v1' } }, DEFAULT_CONFIG)).toEqual([]);
    expect(redirectingKeys({ llm: { base_url: 'https://api.openai.com/v1' } }, withKey)).toEqual([]);
    expect(redirectingKeys({ llm: { base_url: 'http://127.0.0.1:9999/v1', api_key: 'sk-mine' } }, withKey)).toEqual([]);
    expect(redirectingKeys({ llm: { model: 'gpt-4o-mini' }, tts_speed: 1.2 }, withKey)).toEqual([]);
  });

  it('covers Home Assistant, Telegram and MQTT too', () => {
    const stored: Config = {
      ...DEFAULT_CONFIG,
      homeassistant: { ...DEFAULT_CONFIG.homeassistant, url: 'http://ha.local:8123', token: 'ha-token' },
      telegram: { ...DEFAULT_CONFIG.telegram, bot_token: '123:abc' },
      mqtt: { ...DEFAULT_CONFIG.mqtt, url: 'mqtt://ha.local:1883', username: 'kiwi', password: 'pw' },
    };
    const patch = { homeassistant: { url: 'http://evil:8123' }, telegram: { api_base_url: 'https://evil' }, mqtt: { url: 'mqtt://evil:1883', username: 'x' } };
    expect(redirectingKeys(patch, stored)).toEqual(['homeassistant.url', 'telegram.api_base_url', 'mqtt.url', 'mqtt.username']);
    // The URL as GET /api/config shows it (password masked) is the same place.
    const withPassword: Config = { ...stored, mqtt: { ...stored.mqtt, url: 'mqtt://kiwi:pw@ha.local:1883' } };
    expect(redirectingKeys({ mqtt: { url: 'mqtt://kiwi:********@ha.local:1883' } }, withPassword)).toEqual([]);
  });

  it('a control token is refused with 403 naming the key; admin (and the open loopback default) may', () => {
    const patch = { llm: { base_url: 'http://127.0.0.1:9999/v1' } };
    let refused: unknown;
    try {
      checkSecretDestinations(patch, withKey, control);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(KiwiError);
    expect(refused).toMatchObject({ status: 403, code: 'insufficient_scope', message: expect.stringContaining('llm.base_url') });
    expect(() => checkSecretDestinations(patch, withKey, OPEN_GRANT)).not.toThrow();
    expect(() => checkSecretDestinations({ llm: { model: 'm' } }, withKey, control)).not.toThrow();
  });
});
