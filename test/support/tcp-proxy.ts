import { connect, createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP proxy to a real server, whose link can be cut: every connection dropped, and new
 * ones either refused (the port stops listening: the server is down) or accepted and dropped at
 * once (a flapping link or a restarting server).
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private up = true;
  private listening = true;
  private listeningPort?: number;
  private dropAt?: number;
  /** Bytes clients sent through the proxy so far. */
  bytesFromClients = 0;
  /** How many times dropOnceAfter cut the link. */
  drops = 0;
  private constructor(private readonly server: Server) {}

  static async to(host: string, port: number): Promise<TcpProxy> {
    const server = createServer((client) => {
      if (!proxy.up) return client.destroy();
      const upstream = connect(port, host);
      for (const s of [client, upstream]) {
        proxy.sockets.add(s);
        s.on('close', () => proxy.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('data', (chunk: Buffer) => {
        proxy.bytesFromClients += chunk.length;
        if (proxy.dropAt !== undefined && proxy.bytesFromClients >= proxy.dropAt) {
          // A flaky link: every connection cut at once, new ones welcome.
          proxy.dropAt = undefined;
          proxy.drops += 1;
          for (const s of proxy.sockets) s.destroy();
        }
      });
      client.pipe(upstream).pipe(client);
    });
    const proxy = new TcpProxy(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return proxy;
  }

  get port(): number {
    this.listeningPort ??= (this.server.address() as AddressInfo).port;
    return this.listeningPort;
  }

  async cut(how: 'refuse' | 'drop'): Promise<void> {
    const port = this.port;
    this.up = false;
    if (how === 'refuse' && this.listening) {
      this.listening = false;
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const s of this.sockets) s.destroy();
      await closed;
    }
    for (const s of this.sockets) s.destroy();
    this.listeningPort = port;
  }

  /** Cuts every connection once, when clients have sent `bytes` in all (an upload interrupted part-way). */
  dropOnceAfter(bytes: number): void {
    this.dropAt = this.bytesFromClients + bytes;
  }

  async restore(): Promise<void> {
    this.up = true;
    if (!this.listening) {
      this.listening = true;
      await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', () => resolve()));
    }
  }

  async close(): Promise<void> {
    await this.cut('refuse');
  }
}
