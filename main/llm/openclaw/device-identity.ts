import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../platform/atomic-write.ts';

/**
 * Kiwi's device identity at OpenClaw gateways: one Ed25519 key pair per Kiwi data dir, created on
 * first use and kept in `<data>/openclaw/device.json` (mode 0600). Gateways grant scopes only to
 * a connection that signs the server's challenge with such a key; after the owner approves the
 * device (silently for a local connection), the gateway returns a device token, kept per gateway
 * in `<data>/openclaw/device-tokens.json` (0600) and sent on later connects.
 *
 * The device id is the SHA-256 of the raw 32-byte public key (hex); the public key travels as
 * base64url of those raw bytes; the signature is Ed25519 over the v3 payload
 *   v3|deviceId|clientId|clientMode|role|scopes(,)|signedAtMs|token|nonce|platform|deviceFamily
 * (platform and deviceFamily trimmed and lower-cased), base64url-encoded.
 */

const StoredIdentity = z.object({ version: z.literal(1), device_id: z.string(), public_key_pem: z.string(), private_key_pem: z.string(), created_at: z.string() });
const StoredTokens = z.record(z.string(), z.object({ token: z.string().min(1), role: z.string(), scopes: z.array(z.string()), issued_at: z.string() }));
export type DeviceToken = z.infer<typeof StoredTokens>[string];

export interface DeviceAuthFields {
  clientId: string;
  clientMode: string;
  role: string;
  scopes: string[];
  signedAtMs: number;
  /** The auth token sent in the same connect (shared or device token), or '' for none. */
  token: string;
  nonce: string;
  platform: string;
  deviceFamily?: string;
}

/** The `device` block of a connect request. */
export interface SignedDevice {
  id: string;
  publicKey: string;
  signature: string;
  signedAt: number;
  nonce: string;
}

export class DeviceIdentity {
  private constructor(
    readonly deviceId: string,
    private readonly publicKey: crypto.KeyObject,
    private readonly privateKey: crypto.KeyObject,
  ) {}

  /** Load the identity in `dir`, or create it there (once: a concurrent creator's key wins). */
  static async loadOrCreate(dir: string): Promise<DeviceIdentity> {
    const file = path.join(dir, 'device.json');
    const existing = await readJson(file, StoredIdentity);
    if (existing) return DeviceIdentity.#fromStored(existing, file);
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    const stored = {
      version: 1 as const,
      device_id: deviceIdOf(publicKey),
      public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      private_key_pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      created_at: new Date().toISOString(),
    };
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    // Written whole beside it, then hard-linked into place: a crash leaves no half file, and a key
    // another process created meanwhile is never replaced (a changed key would need pairing again).
    const tmp = `${file}.${process.pid}.new`;
    await writeFileAtomic(tmp, `${JSON.stringify(stored, null, 2)}\n`, 0o600);
    const written = await fs.link(tmp, file).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST') return false;
        throw err;
      },
    );
    await fs.rm(tmp, { force: true });
    if (written) return new DeviceIdentity(stored.device_id, publicKey, privateKey);
    return DeviceIdentity.#fromStored((await readJson(file, StoredIdentity))!, file);
  }

  static #fromStored(stored: z.infer<typeof StoredIdentity>, file: string): DeviceIdentity {
    const publicKey = crypto.createPublicKey(stored.public_key_pem);
    const privateKey = crypto.createPrivateKey(stored.private_key_pem);
    if (publicKey.asymmetricKeyType !== 'ed25519' || deviceIdOf(publicKey) !== stored.device_id) throw new Error(`${file} does not hold a consistent Ed25519 device identity`);
    return new DeviceIdentity(stored.device_id, publicKey, privateKey);
  }

  /** The raw 32-byte public key, base64url. */
  get publicKeyBase64Url(): string {
    return rawPublicKey(this.publicKey).toString('base64url');
  }

  sign(fields: DeviceAuthFields): SignedDevice {
    const payload = deviceAuthPayload(this.deviceId, fields);
    const signature = crypto.sign(null, Buffer.from(payload, 'utf8'), this.privateKey).toString('base64url');
    return { id: this.deviceId, publicKey: this.publicKeyBase64Url, signature, signedAt: fields.signedAtMs, nonce: fields.nonce };
  }
}

export function deviceAuthPayload(deviceId: string, f: DeviceAuthFields): string {
  const meta = (value: string | undefined) => (value ?? '').trim().toLowerCase();
  return ['v3', deviceId, f.clientId, f.clientMode, f.role, f.scopes.join(','), String(f.signedAtMs), f.token, f.nonce, meta(f.platform), meta(f.deviceFamily)].join('|');
}

/** Device tokens per gateway URL (a token is only good at the gateway that issued it). */
export class DeviceTokenStore {
  constructor(private readonly file: string) {}

  static in(dir: string): DeviceTokenStore {
    return new DeviceTokenStore(path.join(dir, 'device-tokens.json'));
  }

  async get(gateway: string): Promise<DeviceToken | null> {
    return (await readJson(this.file, StoredTokens))?.[gateway] ?? null;
  }

  async set(gateway: string, token: DeviceToken | null): Promise<void> {
    const all = (await readJson(this.file, StoredTokens)) ?? {};
    if (token) all[gateway] = token;
    else delete all[gateway];
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file, `${JSON.stringify(all, null, 2)}\n`, 0o600);
  }
}

function rawPublicKey(key: crypto.KeyObject): Buffer {
  // SPKI DER of an Ed25519 key is a fixed 12-byte header followed by the 32 raw key bytes.
  return key.export({ type: 'spki', format: 'der' }).subarray(-32);
}

function deviceIdOf(key: crypto.KeyObject): string {
  return crypto.createHash('sha256').update(rawPublicKey(key)).digest('hex');
}

async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<T | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a valid Kiwi OpenClaw file: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
