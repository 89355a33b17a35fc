import { describe, expect, it } from 'vitest';
import { publicUrl } from './public-url.ts';

describe('publicUrl: a URL as Kiwi shows it (MQTT broker in the status, the address an LLM 404 names)', () => {
  it('keeps scheme, host, port and path, for web and non-web schemes alike', () => {
    expect(publicUrl('http://127.0.0.1:11434/v1/chat/completions')).toBe('http://127.0.0.1:11434/v1/chat/completions');
    expect(publicUrl('https://api.example.com/v1/messages')).toBe('https://api.example.com/v1/messages');
    expect(publicUrl('mqtt://broker.lan:1883')).toBe('mqtt://broker.lan:1883');
    expect(publicUrl('mqtts://broker.lan:8883/')).toBe('mqtts://broker.lan:8883');
    expect(publicUrl('ws://[::1]:9001/mqtt')).toBe('ws://[::1]:9001/mqtt');
  });

  it('never shows user info, a query or a fragment (either may carry a secret)', () => {
    expect(publicUrl('mqtt://homeassistant:s3cret@broker.lan:1883')).toBe('mqtt://broker.lan:1883');
    expect(publicUrl('mqtt://broker.lan:1883/?password=s3cret#x')).toBe('mqtt://broker.lan:1883');
    expect(publicUrl('https://user:key@llm.example.com/v1/chat/completions?api_key=s3cret#frag')).toBe('https://llm.example.com/v1/chat/completions');
  });

  it('cuts the same parts from text that is not a URL Node can parse', () => {
    expect(publicUrl('mqtt://user:pa/ss@word@bad host:1883?token=s3cret')).toBe('mqtt://bad host:1883');
    expect(publicUrl('mqtt://xn--a.example:99999')).toBe('mqtt://xn--a.example:99999');
    const shown = publicUrl('mqtt://u:s3cret@bro ker:1883/#s3cret2');
    expect(shown).not.toMatch(/s3cret/);
  });
});
