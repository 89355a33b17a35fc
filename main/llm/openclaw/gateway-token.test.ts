import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverGatewayToken, openClawConfigPath } from './gateway-token.ts';

describe('discoverGatewayToken', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-oc-token-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('takes OPENCLAW_GATEWAY_TOKEN first, then gateway.auth.token from OpenClaw’s JSON5 config', async () => {
    const file = path.join(dir, 'openclaw.json');
    await fs.writeFile(file, `{\n  // written by openclaw onboard\n  gateway: { mode: 'local', auth: { mode: 'token', token: 'from-file-token', }, },\n}\n`);
    expect(discoverGatewayToken({ OPENCLAW_GATEWAY_TOKEN: 'from-env-token' }, file)).toBe('from-env-token');
    expect(discoverGatewayToken({}, file)).toBe('from-file-token');
    expect(await fs.readFile(file, 'utf8')).toContain('// written by openclaw onboard'); // read only
  });

  it('no config, or a token kept as a SecretRef → no token; a broken file is a clear error', async () => {
    expect(discoverGatewayToken({}, path.join(dir, 'missing.json'))).toBe('');
    const file = path.join(dir, 'openclaw.json');
    await fs.writeFile(file, JSON.stringify({ gateway: { auth: { token: { source: 'env', id: 'GW' } } } }));
    expect(discoverGatewayToken({}, file)).toBe('');
    await fs.writeFile(file, '{ gateway: ');
    expect(() => discoverGatewayToken({}, file)).toThrow(/not valid JSON5/);
  });

  it('finds OpenClaw’s config where OpenClaw itself looks', () => {
    expect(openClawConfigPath({ OPENCLAW_CONFIG_PATH: '/etc/oc.json', HOME: '/home/u' })).toBe('/etc/oc.json');
    expect(openClawConfigPath({ OPENCLAW_STATE_DIR: '/srv/oc', HOME: '/home/u' })).toBe(path.join('/srv/oc', 'openclaw.json'));
    expect(openClawConfigPath({ HOME: '/home/u' })).toBe(path.join('/home/u', '.openclaw', 'openclaw.json'));
  });
});
