import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP server on 127.0.0.1 and a free port, for the stand-ins of the services Kiwi talks to.
 * close() also ends the connections still open (keep-alive, held long polls, half-sent streams),
 * so a test's cleanup never waits on a client.
 */
export class LoopbackHttpServer {
  readonly #sockets = new Set<Socket>();

  private constructor(readonly server: http.Server) {}

  static async start(onRequest: http.RequestListener): Promise<LoopbackHttpServer> {
    const loopback = new LoopbackHttpServer(http.createServer(onRequest));
    loopback.server.on('connection', (socket) => {
      loopback.#sockets.add(socket);
      socket.on('close', () => loopback.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => loopback.server.listen(0, '127.0.0.1', resolve));
    return loopback;
  }

  /** http://127.0.0.1:<port> */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
