import net from 'node:net';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { encodeEvent, EventReader, type WyomingEvent } from './framing.ts';
import { ConfigSchema } from '../../contract/config.ts';
import { ManualClock } from '../../security/testing/manual-clock.ts';
import { clientAllowList, WyomingServer } from './server.ts';
import type { WyomingStages } from './stages.ts';

const WyomingConfig = ConfigSchema.shape.wyoming;

const noStages: WyomingStages = {
  stt: () => undefined,
  tts: () => undefined,
  wake: () => undefined,
  settings: () => ({ language: 'en', voice: '', speed: 1, wakeWord: 'kiwi' }),
  models: () => Promise.resolve({}),
};

describe('Wyoming server binding', () => {
  it('refuses to listen beyond loopback without an allow-list (Wyoming has no credentials)', async () => {
    await expect(WyomingServer.start({ enabled: true, host: '0.0.0.0', port: 0, allowed_clients: [] }, noStages, () => undefined)).rejects.toThrow(
      /wyoming.allowed_clients/,
    );
  });

  it('listens on loopback by default and counts its clients', async () => {
    const server = await WyomingServer.start({ enabled: true, host: '127.0.0.1', port: 0, allowed_clients: [] }, noStages, () => undefined);
    try {
      expect(server.status()).toMatchObject({ listening: true, host: '127.0.0.1', clients: 0, error: null });
      expect(server.status().port).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('answers a request it cannot serve with one error and keeps the connection usable', async () => {
    const server = await WyomingServer.start({ enabled: true, host: '127.0.0.1', port: 0, allowed_clients: [] }, noStages, () => undefined);
    const socket = net.connect(server.status().port, '127.0.0.1');
    const reader = new EventReader();
    const received: WyomingEvent[] = [];
    const pong = new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        received.push(...reader.push(chunk));
        if (received.some((e) => e.type === 'pong')) resolve();
      }),
    );
    try {
      const format = { rate: 16000, width: 2, channels: 1 };
      const audio = Array.from({ length: 5 }, () => encodeEvent({ type: 'audio-chunk', data: format, payload: Buffer.alloc(640) }));
      socket.write(
        Buffer.concat([
          encodeEvent({ type: 'transcribe', data: { language: 'en' } }),
          encodeEvent({ type: 'audio-start', data: format }),
          ...audio,
          encodeEvent({ type: 'audio-stop', data: {} }),
          encodeEvent({ type: 'ping', data: { text: 'still there?' } }),
        ]),
      );
      await pong;
      expect(received.map((e) => [e.type, e.data.code ?? e.data.text])).toEqual([
        ['error', 'stt_unavailable'],
        ['pong', 'still there?'],
      ]);
    } finally {
      socket.destroy();
      await server.close();
    }
  });
});

describe('Wyoming server refusals', () => {
  /** A connection, open once the server has taken it (or closed when the server turned it away). */
  const connect = (port: number, host = '127.0.0.1') =>
    new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(socket));
      socket.on('error', reject);
    });

  it('says why it turns a connection away when as many clients as it serves are connected', async () => {
    const failures: string[] = [];
    let notify: () => void = () => undefined;
    const reported = new Promise<void>((resolve) => (notify = resolve));
    const server = await WyomingServer.start({ enabled: true, host: '127.0.0.1', port: 0, allowed_clients: [] }, noStages, (message) => {
      failures.push(message);
      notify();
    });
    const sockets: net.Socket[] = [];
    try {
      // Sixteen clients that each answered a ping are all being served.
      for (let i = 0; i < 16; i += 1) {
        const socket = await connect(server.status().port);
        sockets.push(socket);
        const reader = new EventReader();
        const pong = new Promise<void>((resolve) => socket.on('data', (chunk: Buffer) => reader.push(chunk).some((e) => e.type === 'pong') && resolve()));
        socket.write(encodeEvent({ type: 'ping', data: {} }));
        await pong;
      }
      expect(server.status().clients).toBe(16);
      const extra = await connect(server.status().port);
      sockets.push(extra);
      await Promise.all([reported, new Promise((resolve) => extra.on('close', resolve))]);
      expect(failures).toEqual([expect.stringMatching(/^Wyoming refused a connection from 127\.0\.0\.1: 16 connections are open already/)]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await server.close();
    }
  });

  // Needs an address of this machine beyond loopback to connect from (a CI runner or desktop has one).
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
  const external6 = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv6' && !i.address.startsWith('fe80'))?.address;

  /** The server serves `socket`: a ping is answered. */
  const served = (socket: net.Socket) =>
    new Promise<void>((resolve, reject) => {
      const reader = new EventReader();
      socket.on('data', (chunk: Buffer) => reader.push(chunk).some((e) => e.type === 'pong') && resolve());
      socket.on('close', () => reject(new Error('the server closed the connection')));
      socket.write(encodeEvent({ type: 'ping', data: {} }));
    });

  /** IPv6 written out in full, as a user may type it (fd00::2 -> fd00:0:0:0:0:0:0:2). */
  const longForm = (address: string) => {
    const [head, tail] = address.split('::') as [string, string | undefined];
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    return [...left, ...Array.from({ length: 8 - left.length - right.length }, () => '0'), ...right].join(':').toUpperCase();
  };

  it('compares allowed clients as addresses, not text: every spelling of one address is that address', () => {
    const allows = clientAllowList(['192.0.2.7', 'FD00:0:0:0:0:0:0:2', '::ffff:198.51.100.4']);
    for (const address of ['192.0.2.7', '::ffff:192.0.2.7', '::FFFF:192.0.2.7', 'fd00::2', 'fd00:0::2', '198.51.100.4', '::ffff:198.51.100.4']) {
      expect(allows(address), address).toBe(true);
    }
    // Loopback in every spelling, whatever the list says.
    for (const address of ['127.0.0.1', '127.4.5.6', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1']) expect(allows(address), address).toBe(true);
    for (const address of ['192.0.2.8', '::ffff:192.0.2.8', 'fd00::3', '::', '0.0.0.0', '', 'not-an-address', '192.0.2.7.example']) {
      expect(allows(address), address).toBe(false);
    }
    expect(() => clientAllowList(['example.org'])).toThrow(/wyoming\.allowed_clients: 'example\.org' is not an IP address or subnet/);
    for (const bad of ['192.0.2.0/33', 'fd00::/129', '192.0.2.0/x', '192.0.2.0/24/1']) expect(() => clientAllowList([bad]), bad).toThrow(/not an IP address or subnet/);
  });

  it('takes subnets too: a Home Assistant whose address DHCP hands out', () => {
    const allows = clientAllowList(['192.168.1.0/24', 'fd00:1::/64']);
    for (const address of ['192.168.1.20', '::ffff:192.168.1.254', 'fd00:1::abcd', 'FD00:1:0:0:1:2:3:4']) expect(allows(address), address).toBe(true);
    for (const address of ['192.168.2.20', 'fd00:2::1', '10.0.0.1']) expect(allows(address), address).toBe(false);
    expect(WyomingConfig.safeParse({ enabled: true, host: '0.0.0.0', port: 10700, allowed_clients: ['192.168.1.0/24', 'fd00:1::/64', '192.168.1.20'] }).success).toBe(true);
    expect(WyomingConfig.safeParse({ enabled: true, host: '0.0.0.0', port: 10700, allowed_clients: ['192.168.1.0/33'] }).success).toBe(false);
  });

  it.skipIf(!external)('lets in an allowed client listed in its IPv4-mapped spelling', async () => {
    const server = await WyomingServer.start({ enabled: true, host: '0.0.0.0', port: 0, allowed_clients: [`::ffff:${external}`] }, noStages, () => undefined);
    try {
      const socket = await connect(server.status().port, external);
      await served(socket);
      socket.destroy();
    } finally {
      await server.close();
    }
  });

  it.skipIf(!external6)('lets in an allowed IPv6 client listed written out in full', async () => {
    const server = await WyomingServer.start({ enabled: true, host: '::', port: 0, allowed_clients: [longForm(external6!)] }, noStages, () => undefined);
    try {
      const socket = await connect(server.status().port, external6);
      await served(socket);
      socket.destroy();
    } finally {
      await server.close();
    }
  });

  it.skipIf(!external)("reports refusals at once, then at most once a minute on Kiwi's clock, counting the ones in between", async () => {
    const clock = new ManualClock();
    const failures: string[] = [];
    const server = await WyomingServer.start({ enabled: true, host: '0.0.0.0', port: 0, allowed_clients: ['192.0.2.254'] }, noStages, (m) => failures.push(m), clock);
    const knock = async () => {
      const socket = await connect(server.status().port, external);
      await new Promise((resolve) => socket.on('close', resolve));
    };
    try {
      await knock();
      await knock();
      clock.advance(59_999);
      await knock();
      expect(failures).toEqual([`Wyoming refused a connection from ${external}: it is not in wyoming.allowed_clients`]);
      clock.advance(1);
      await knock();
      expect(failures).toEqual([
        `Wyoming refused a connection from ${external}: it is not in wyoming.allowed_clients`,
        `Wyoming refused a connection from ${external}: it is not in wyoming.allowed_clients (and 2 more refused since the last report)`,
      ]);
    } finally {
      await server.close();
    }
  });
  it.skipIf(!external)('says why it turns away a client that is not in wyoming.allowed_clients', async () => {
    let reported: (message: string) => void = () => undefined;
    const failure = new Promise<string>((resolve) => (reported = resolve));
    const server = await WyomingServer.start({ enabled: true, host: '0.0.0.0', port: 0, allowed_clients: ['192.0.2.254'] }, noStages, (message) => reported(message));
    try {
      const socket = await connect(server.status().port, external);
      await new Promise((resolve) => socket.on('close', resolve));
      expect(await failure).toBe(`Wyoming refused a connection from ${external}: it is not in wyoming.allowed_clients`);
    } finally {
      await server.close();
    }
  });
});
