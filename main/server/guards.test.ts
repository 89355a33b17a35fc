import { describe, expect, it } from 'vitest';
import { DESKTOP_ORIGIN, allowedHostHeaders, isAllowedHost, isAllowedOrigin, isLoopbackHost, isWildcardHost } from './guards.ts';

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['10.0.0.1', false],
    ['127.0.0.1.evil.example', false],
    ['localhost.evil.example', false],
    ['1270.0.0.1', false],
    ['', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('isWildcardHost', () => {
  it.each([
    ['0.0.0.0', true],
    ['::', true],
    ['[::]', true],
    ['127.0.0.1', false],
    ['192.168.1.10', false],
  ])('%s → %s', (host, expected) => {
    expect(isWildcardHost(host)).toBe(expected);
  });
});

describe('allowed Host headers', () => {
  const loopback = allowedHostHeaders('127.0.0.1', 7789, []);

  it.each([
    ['127.0.0.1:7789', true],
    ['localhost:7789', true],
    ['LocalHost:7789', true],
    ['[::1]:7789', true],
    ['127.0.0.1', false],
    ['127.0.0.1:7790', false],
    ['evil.example:7789', false],
    ['evil.example', false],
    ['127.0.0.1:7789.evil.example', false],
    ['', false],
    [undefined, false],
  ])('loopback bind: Host %s → %s', (host, expected) => {
    expect(isAllowedHost(host, loopback)).toBe(expected);
  });

  it('a specific bind address is allowed under its own name', () => {
    const lan = allowedHostHeaders('192.168.1.10', 7789, []);
    expect(isAllowedHost('192.168.1.10:7789', lan)).toBe(true);
    expect(isAllowedHost('192.168.1.11:7789', lan)).toBe(false);
  });

  it('an IPv6 bind address is bracketed', () => {
    const v6 = allowedHostHeaders('fd00::1', 80, []);
    expect(isAllowedHost('[fd00::1]:80', v6)).toBe(true);
  });

  it('a wildcard bind adds no name of its own', () => {
    const any = allowedHostHeaders('0.0.0.0', 7789, []);
    expect(isAllowedHost('0.0.0.0:7789', any)).toBe(false);
    expect(isAllowedHost('127.0.0.1:7789', any)).toBe(true);
  });

  it('api.allowed_hosts entries are allowed, with the server port unless they name one', () => {
    const extra = allowedHostHeaders('0.0.0.0', 7789, ['kiwi.local', 'Proxy.Example:443']);
    expect(isAllowedHost('kiwi.local:7789', extra)).toBe(true);
    expect(isAllowedHost('kiwi.local:80', extra)).toBe(false);
    expect(isAllowedHost('proxy.example:443', extra)).toBe(true);
    expect(isAllowedHost('proxy.example:7789', extra)).toBe(false);
  });
});

describe('isAllowedOrigin', () => {
  const allowed = allowedHostHeaders('127.0.0.1', 7789, []);

  it.each([
    [undefined, true],
    [DESKTOP_ORIGIN, true],
    ['http://127.0.0.1:7789', true],
    ['http://localhost:7789', true],
    ['http://[::1]:7789', true],
    ['http://127.0.0.1:7790', false],
    ['http://127.0.0.1', false],
    ['https://127.0.0.1:7789', true],
    ['http://evil.example', false],
    ['http://evil.example:7789', false],
    ['https://127.0.0.1.evil.example:7789', false],
    ['null', false],
    ['file://', false],
    ['chrome-extension://abcdef', false],
    ['ws://127.0.0.1:7789', false],
    ['app://evil', false],
    ['not a url', false],
    ['', false],
  ])('Origin %s → %s', (origin, expected) => {
    expect(isAllowedOrigin(origin, allowed)).toBe(expected);
  });

  it('default ports are implied', () => {
    const web = allowedHostHeaders('127.0.0.1', 80, []);
    expect(isAllowedOrigin('http://localhost', web)).toBe(true);
    expect(isAllowedOrigin('https://localhost', web)).toBe(false);
  });
});
