import { connect, createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP proxy to a real server, whose link can be cut: every connection dropped, and new
 * ones either refused (the port stops listening: the server is down) or accepted and dropped at
 * once (a flapping link or a restarting server); or stalled: connections stay open and nothing
 * passes either way (a hung server), until restored.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly pairs: { client: Socket; upstream?: Socket }[] = [];
  private stalled = false;
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
      proxy.track(client);
      const pair: { client: Socket; upstream?: Socket } = { client };
      proxy.pairs.push(pair);
      client.on('close', () => proxy.pairs.splice(proxy.pairs.indexOf(pair), 1));
      client.on('data', (chunk: Buffer) => {
        proxy.bytesFromClients += chunk.length;
        if (proxy.dropAt !== undefined && proxy.bytesFromClients >= proxy.dropAt) {
          // A flaky link: every connection cut at once, new ones welcome.
          proxy.dropAt = undefined;
          proxy.drops += 1;
          for (const s of proxy.sockets) s.destroy();
        }
      });
      // A connection made while stalled is held (accepted, never answered) until restored.
      if (proxy.stalled) client.pause();
      else proxy.join(pair);
    });
    const proxy = new TcpProxy(server);
    proxy.connectUpstream = () => connect(port, host);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return proxy;
  }

  private connectUpstream!: () => Socket;

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  private join(pair: { client: Socket; upstream?: Socket }): void {
    if (!pair.upstream) {
      pair.upstream = this.connectUpstream();
      this.track(pair.upstream);
    }
    pair.client.pipe(pair.upstream).pipe(pair.client);
    pair.client.resume();
  }

  /** Nothing passes either way from now on; connections stay open, new ones are accepted and held. */
  stall(): void {
    this.stalled = true;
    for (const { client, upstream } of this.pairs) {
      client.unpipe();
      upstream?.unpipe();
      client.pause();
      upstream?.pause();
    }
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
    if (this.stalled) {
      this.stalled = false;
      for (const pair of this.pairs) {
        this.join(pair);
        pair.upstream!.resume();
      }
    }
    if (!this.listening) {
      this.listening = true;
      await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', () => resolve()));
    }
  }

  async close(): Promise<void> {
    await this.cut('refuse');
  }
}
