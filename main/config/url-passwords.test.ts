import { describe, expect, it } from 'vitest';
import { maskUrlPassword, unmaskUrlPassword } from './url-passwords.ts';

describe('passwords inside URLs', () => {
  it('masks only the password, keeping the URL as written', () => {
    expect(maskUrlPassword('mqtt://kiwi:s3cret@ha.local:1883')).toBe('mqtt://kiwi:********@ha.local:1883');
    expect(maskUrlPassword('https://user:p%40ss@example.com/v1')).toBe('https://user:********@example.com/v1');
    expect(maskUrlPassword('mqtt://ha.local:1883')).toBe('mqtt://ha.local:1883');
    expect(maskUrlPassword('http://127.0.0.1:11434/v1')).toBe('http://127.0.0.1:11434/v1');
    expect(maskUrlPassword('')).toBe('');
  });

  it('the masked URL sent back is the stored one; a new password or no password is taken as sent', () => {
    const stored = 'mqtt://kiwi:s3cret@ha.local:1883';
    expect(unmaskUrlPassword('mqtt.url', 'mqtt://kiwi:********@ha.local:1883', stored)).toBe(stored);
    expect(unmaskUrlPassword('mqtt.url', 'mqtt://kiwi:n3w@ha.local:1883', stored)).toBe('mqtt://kiwi:n3w@ha.local:1883');
    expect(unmaskUrlPassword('mqtt.url', 'mqtt://other.local:1883', stored)).toBe('mqtt://other.local:1883');
    expect(() => unmaskUrlPassword('mqtt.url', 'mqtt://kiwi:********@other.local:1883', stored)).toThrow(/masked password/);
  });
});
