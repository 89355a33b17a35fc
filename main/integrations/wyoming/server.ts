import net from 'node:net';
import type { Config } from '../../contract/config.ts';
import { systemClock, type Clock } from '../../platform/clock.ts';
import { KiwiError } from '../../platform/errors.ts';
import { WyomingConnection } from './connection.ts';
import type { WyomingStages } from './stages.ts';

export interface WyomingStatus {
  enabled: boolean;
  listening: boolean;
  host: string;
  port: number;
  /** Connections open now. */
  clients: number;
  error: string | null;
}

/** Connections at once: HA opens a few (STT, TTS, wake); more is a misbehaving peer. */
const MAX_CLIENTS = 16;
/** Refused connections are reported at once, then at most this often (a client retrying in a loop must not flood the events). */
const REFUSAL_REPORT_MS = 60_000;

/** Loopback in every spelling: 127.0.0.0/8 and ::1, also IPv4-mapped (::ffff:127.0.0.1) or written out (0:0:0:0:0:0:0:1). */
const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** `address` (as a socket reports it: maybe IPv4-mapped, maybe with an IPv6 zone) is in `list`, compared as an address, never as text. */
function addressIn(list: net.BlockList, address: string): boolean {
  const bare = address.replace(/%.*$/, '');
  const family = net.isIPv4(bare) ? 'ipv4' : net.isIPv6(bare) ? 'ipv6' : null;
  return family !== null && list.check(bare, family);
}

const isLoopback = (address: string) => addressIn(LOOPBACK, address);
const plainAddress = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/**
 * Who may connect: loopback always, else an address or subnet (192.168.1.0/24) in
 * wyoming.allowed_clients, however either side spells it (`::1` and `0:0:0:0:0:0:0:1`,
 * `192.0.2.7` and `::ffff:192.0.2.7`, upper or lower case).
 */
export function clientAllowList(allowed: readonly string[]): (address: string) => boolean {
  const list = new net.BlockList();
  for (const entry of allowed) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : null;
    const bits = prefix === undefined ? null : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    if (!family || extra !== undefined || Number.isNaN(bits) || (bits !== null && bits > (family === 'ipv4' ? 32 : 128))) {
      throw new KiwiError('invalid_config', `wyoming.allowed_clients: '${entry}' is not an IP address or subnet (192.168.1.20, 192.168.1.0/24)`);
    }
    if (bits === null) list.addAddress(address, family);
    else list.addSubnet(address, bits, family);
  }
  return (address) => isLoopback(address) || addressIn(list, address);
}

/**
 * Kiwi's STT, voices and wake word as a Wyoming TCP service. Wyoming carries no credentials,
 * so beyond loopback only the addresses in wyoming.allowed_clients may connect, and Kiwi refuses
 * to bind beyond loopback while that list is empty (as the API refuses without tokens).
 */
export class WyomingServer {
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  #status: WyomingStatus;
  /** When a refusal was last reported, and how many were not reported since. */
  #refusalReportedAt = -Infinity;
  #unreported = 0;
  readonly #allowed: (address: string) => boolean;

  private constructor(
    settings: Config['wyoming'],
    private readonly stages: WyomingStages,
    private readonly onFailure: (message: string) => void,
    private readonly clock: Clock,
  ) {
    this.#allowed = clientAllowList(settings.allowed_clients);
    this.#status = { enabled: true, listening: false, host: settings.host, port: settings.port, clients: 0, error: null };
    this.#server = net.createServer((socket) => this.#accept(socket));
    this.#server.maxConnections = MAX_CLIENTS;
    // Node drops connections over maxConnections by itself: say so, or Home Assistant's requests just fail.
    this.#server.on('drop', (data) => this.#refused(plainAddress(data?.remoteAddress ?? 'unknown'), `${MAX_CLIENTS} connections are open already, the most Kiwi serves at once`));
  }

  /** `clock` paces the refusal reports and notices abandoned connections (Kiwi's one clock; tests use a manual one). */
  static async start(settings: Config['wyoming'], stages: WyomingStages, onFailure: (message: string) => void, clock: Clock = systemClock): Promise<WyomingServer> {
    const server = new WyomingServer(settings, stages, onFailure, clock);
    if (!isLoopback(settings.host) && settings.host !== 'localhost' && settings.allowed_clients.length === 0) {
      throw new KiwiError(
        'wyoming_unsafe_bind',
        `Wyoming on ${settings.host} (beyond loopback) needs wyoming.allowed_clients: the addresses of your Home Assistant hosts (Wyoming has no credentials)`,
      );
    }
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(settings.port, settings.host, () => {
        server.#server.off('error', reject);
        resolve();
      });
    });
    const address = server.#server.address() as net.AddressInfo;
    server.#status = { ...server.#status, listening: true, port: address.port };
    return server;
  }

  status(): WyomingStatus {
    return { ...this.#status, clients: this.#sockets.size };
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: net.Socket): void {
    const remote = plainAddress(socket.remoteAddress ?? '');
    if (!this.#allowed(remote)) {
      socket.destroy();
      this.#refused(remote, 'it is not in wyoming.allowed_clients');
      return;
    }
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.setNoDelay(true);
    new WyomingConnection(socket, this.stages, this.onFailure, this.clock);
  }

  /** A connection was turned away: tell the user why (Home Assistant only sees the connection close). */
  #refused(address: string, why: string): void {
    const now = this.clock.now();
    if (now - this.#refusalReportedAt < REFUSAL_REPORT_MS) {
      this.#unreported += 1;
      return;
    }
    const more = this.#unreported > 0 ? ` (and ${this.#unreported} more refused since the last report)` : '';
    this.#refusalReportedAt = now;
    this.#unreported = 0;
    this.onFailure(`Wyoming refused a connection from ${address}: ${why}${more}`);
  }
}
