import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceAuthPayload, DeviceIdentity, DeviceTokenStore } from './device-identity.ts';

describe('DeviceIdentity', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-oc-device-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const fields = { clientId: 'gateway-client', clientMode: 'ui', role: 'operator', scopes: ['operator.read', 'operator.write'], signedAtMs: 1_737_264_000_000, token: 'tok', nonce: 'n-1', platform: ' Linux ' };

  it('is created once per data dir (0600) and loaded the same afterwards, also by concurrent callers', async () => {
    const [a, b] = await Promise.all([DeviceIdentity.loadOrCreate(dir), DeviceIdentity.loadOrCreate(dir)]);
    expect(a.deviceId).toBe(b.deviceId);
    expect((await fs.stat(path.join(dir, 'device.json'))).mode & 0o777).toBe(0o600);
    expect((await fs.readdir(dir)).sort()).toEqual(['device.json']);
    const again = await DeviceIdentity.loadOrCreate(dir);
    expect(again.deviceId).toBe(a.deviceId);
    expect(again.publicKeyBase64Url).toBe(a.publicKeyBase64Url);
  });

  it('signs the v3 payload a gateway verifies: id = sha256(raw public key), base64url key and signature', async () => {
    const identity = await DeviceIdentity.loadOrCreate(dir);
    const device = identity.sign(fields);
    const raw = Buffer.from(device.publicKey, 'base64url');
    expect(raw).toHaveLength(32);
    expect(device.id).toBe(crypto.createHash('sha256').update(raw).digest('hex'));
    const payload = deviceAuthPayload(device.id, fields);
    expect(payload).toBe(`v3|${device.id}|gateway-client|ui|operator|operator.read,operator.write|1737264000000|tok|n-1|linux|`);
    // Verified the way the gateway does: the raw key wrapped in SPKI, Ed25519 over the payload's bytes.
    const spki = crypto.createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' });
    expect(crypto.verify(null, Buffer.from(payload), spki, Buffer.from(device.signature, 'base64url'))).toBe(true);
    expect(crypto.verify(null, Buffer.from(payload.replace('n-1', 'n-2')), spki, Buffer.from(device.signature, 'base64url'))).toBe(false);
  });

  it('a damaged identity file is a clear error, never silently replaced', async () => {
    await fs.writeFile(path.join(dir, 'device.json'), JSON.stringify({ version: 1, device_id: 'x', public_key_pem: 'y', private_key_pem: 'z', created_at: 'now' }));
    await expect(DeviceIdentity.loadOrCreate(dir)).rejects.toThrow();
    expect(JSON.parse(await fs.readFile(path.join(dir, 'device.json'), 'utf8')).device_id).toBe('x');
  });

  it('keeps one device token per gateway (0600) and forgets one on request', async () => {
    const store = DeviceTokenStore.in(dir);
    expect(await store.get('ws://a')).toBeNull();
    await store.set('ws://a', { token: 't-a', role: 'operator', scopes: ['operator.write'], issued_at: 'now' });
    await store.set('ws://b', { token: 't-b', role: 'operator', scopes: [], issued_at: 'now' });
    expect((await store.get('ws://a'))?.token).toBe('t-a');
    expect((await fs.stat(path.join(dir, 'device-tokens.json'))).mode & 0o777).toBe(0o600);
    await store.set('ws://a', null);
    expect(await store.get('ws://a')).toBeNull();
    expect((await store.get('ws://b'))?.token).toBe('t-b');
  });
});
