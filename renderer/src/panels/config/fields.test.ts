import { describe, expect, it } from 'vitest';
import { ConfigPatchSchema, DEFAULT_CONFIG } from '../../../../main/contract/config.ts';
import { buildPatch, configFields, validatePatch, valueAt } from './fields.ts';

const fields = configFields();
const field = (path: string) => fields.find((f) => f.path === path);

describe('config editor fields from ConfigPatchSchema', () => {
  it('has a field for every runtime-changeable key, and none for the file-only api group', () => {
    // tts_qwen_backend is accepted only so Kiwi Voice scripts keep working ('local' changes nothing): no field.
    const groups = Object.keys(ConfigPatchSchema.shape).filter((k) => k !== 'api' && k !== 'tts_qwen_backend');
    // Every leaf of the defaults (an object inside a group, such as llm.openclaw, has a field per key).
    const expectLeaves = (value: unknown, path: string): void => {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [sub, inner] of Object.entries(value)) expectLeaves(inner, `${path}.${sub}`);
      } else expect(field(path), path).toBeDefined();
    };
    for (const key of groups) expectLeaves((DEFAULT_CONFIG as Record<string, unknown>)[key], key);
    expect(fields.some((f) => f.path.startsWith('api'))).toBe(false);
    expect(field('tts_qwen_backend')).toBeUndefined();
  });

  it('picks the input from the schema: enums, numbers with their range, booleans, secrets', () => {
    expect(field('language')).toMatchObject({ kind: 'enum' });
    const language = field('language');
    expect(language?.kind === 'enum' ? language.options : []).toHaveLength(15);
    expect(field('homeassistant.language')).toMatchObject({ kind: 'enum' });
    expect(field('voice.vad_threshold')).toMatchObject({ kind: 'number', min: 0.05, max: 0.95 });
    expect(field('voice.min_speech_ms')).toMatchObject({ kind: 'number', int: true });
    expect(field('listening')).toMatchObject({ kind: 'boolean' });
    expect(field('llm.api_key')).toMatchObject({ kind: 'string', secret: true });
    expect(field('wake_word')).toMatchObject({ kind: 'string', secret: false, max: 48 });
    expect(field('tts_voice')).toMatchObject({ kind: 'voice' }); // offered the model's voices
    expect(buildPatch(fields, { tts_voice: 'jm_kumo' })).toEqual({ tts_voice: 'jm_kumo' });
  });

  it('builds a nested patch of only the edited keys; an empty secret is left alone', () => {
    const patch = buildPatch(fields, { tts_speed: '1.25', 'voice.barge_in': false, 'llm.api_key': '', wake_word: 'mango' });
    expect(patch).toEqual({ tts_speed: 1.25, voice: { barge_in: false }, wake_word: 'mango' });
    expect(validatePatch(patch)).toMatchObject({ ok: true, body: patch });
  });

  it('edits the keys of an object inside a group by their dotted path', () => {
    expect(field('llm.openclaw.agent')).toMatchObject({ kind: 'string', group: 'llm', key: 'openclaw.agent' });
    const patch = buildPatch(fields, { 'llm.openclaw.agent': 'work', 'llm.model': 'm' });
    expect(patch).toEqual({ llm: { openclaw: { agent: 'work' }, model: 'm' } });
    expect(validatePatch(patch)).toMatchObject({ ok: true });
  });

  it('edits a list as comma-separated text', () => {
    expect(field('wyoming.allowed_clients')).toMatchObject({ kind: 'list' });
    const patch = buildPatch(fields, { 'wyoming.allowed_clients': ' 192.168.1.20, ,::1 ' });
    expect(patch).toEqual({ wyoming: { allowed_clients: ['192.168.1.20', '::1'] } });
    expect(validatePatch(patch)).toMatchObject({ ok: true });
    expect(validatePatch(buildPatch(fields, { 'wyoming.allowed_clients': 'not-an-address' }))).toMatchObject({ ok: false });
  });

  it("reports the schema's errors by field path", () => {
    const result = validatePatch(buildPatch(fields, { 'voice.vad_threshold': '2', tts_speed: '', 'voice.min_speech_ms': '12.5' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['tts_speed', 'voice.min_speech_ms', 'voice.vad_threshold']);
    expect(result.errors['voice.vad_threshold']).toBe('at most 0.95');
  });

  it('reads dotted paths from the config view', () => {
    expect(valueAt(DEFAULT_CONFIG, 'voice.vad_threshold')).toBe(0.5);
    expect(valueAt(DEFAULT_CONFIG, 'nope.nothing')).toBeUndefined();
  });
});

describe('what an invalid value says', () => {
  const fields = configFields();
  const errorsFor = (draft: Record<string, string>) => {
    const result = validatePatch(buildPatch(fields, draft));
    return result.ok ? {} : result.errors;
  };

  it('in words a person uses, not the schema library’s', () => {
    expect(errorsFor({ tts_speed: '' })).toEqual({ tts_speed: 'enter a number' });
    expect(errorsFor({ tts_speed: '99' })).toEqual({ tts_speed: 'at most 2' });
    expect(errorsFor({ wake_word: '' })).toEqual({ wake_word: 'must not be empty' });
    expect(errorsFor({ 'voice.follow_up_s': '-3' })).toEqual({ 'voice.follow_up_s': 'at least 0' });
    for (const message of Object.values(errorsFor({ tts_speed: 'x', wake_word: '', 'voice.vad_threshold': '2' }))) {
      expect(message).not.toMatch(/NaN|>=|<=|Invalid input|Too (big|small)/);
    }
  });

  it('keeps the schema’s own words where it has them', () => {
    expect(errorsFor({ 'llm.base_url': 'not a url' })).toEqual({ 'llm.base_url': 'must be an http(s) URL' });
  });
});
