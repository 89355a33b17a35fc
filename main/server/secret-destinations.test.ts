import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../contract/config.ts';
import { KiwiError } from '../platform/errors.ts';
import { OPEN_GRANT } from './auth.ts';
import { checkSecretDestinations, redirectingKeys } from './secret-destinations.ts';

const withKey: Config = { ...DEFAULT_CONFIG, llm: { ...DEFAULT_CONFIG.llm, provider: 'openai', base_url: 'https://api.openai.com/v1', api_key: 'sk-stored' } };
const control = { name: 'scripts', scopes: ['read' as const, 'control' as const] };

describe('where Kiwi sends what it hears moves only with admin', () => {
  it('moving llm.base_url or the provider redirects every later conversation (and a stored key)', () => {
    expect(redirectingKeys({ llm: { base_url: 'http://127.0.0.1:9999/v1' } }, withKey)).toEqual(['llm.base_url']);
    expect(redirectingKeys({ llm: { provider: 'ollama' } }, withKey)).toEqual(['llm.provider']);
    // No key stored, or a key of its own: the conversations would still go there.
    expect(redirectingKeys({ llm: { base_url: 'http://127.0.0.1:9999/v1' } }, DEFAULT_CONFIG)).toEqual(['llm.base_url']);
    expect(redirectingKeys({ llm: { base_url: 'http://127.0.0.1:9999/v1', api_key: 'sk-mine' } }, withKey)).toEqual(['llm.base_url']);
  });

  it('is fine with the same value again or other keys', () => {
    expect(redirectingKeys({ llm: { base_url: 'https://api.openai.com/v1', provider: 'openai' } }, withKey)).toEqual([]);
    expect(redirectingKeys({ llm: { model: 'gpt-4o-mini', api_key: 'sk-new' }, tts_speed: 1.2, policy: { guest_safe: 'refuse' } }, withKey)).toEqual([]);
  });

  it('covers Home Assistant, MQTT and who answers approvals on Telegram', () => {
    const stored: Config = {
      ...DEFAULT_CONFIG,
      homeassistant: { ...DEFAULT_CONFIG.homeassistant, url: 'http://ha.local:8123', token: 'ha-token' },
      telegram: { ...DEFAULT_CONFIG.telegram, bot_token: '123:abc', chat_id: '42', owner_user_id: '7' },
      mqtt: { ...DEFAULT_CONFIG.mqtt, url: 'mqtt://ha.local:1883', username: 'kiwi', password: 'pw' },
    };
    const patch = {
      homeassistant: { url: 'http://evil:8123' },
      telegram: { api_base_url: 'https://evil', chat_id: '666', owner_user_id: '666' },
      mqtt: { url: 'mqtt://evil:1883', username: 'x' },
    };
    expect(redirectingKeys(patch, stored)).toEqual(['homeassistant.url', 'mqtt.url', 'mqtt.username', 'telegram.api_base_url', 'telegram.chat_id', 'telegram.owner_user_id']);
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
