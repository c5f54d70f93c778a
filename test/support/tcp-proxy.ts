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
  private readonly pairs: { client: Socket; upstream?: Socket; held: Buffer[] }[] = [];
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
      const pair: { client: Socket; upstream?: Socket; held: Buffer[] } = { client, held: [] };
      proxy.pairs.push(pair);
      client.on('close', () => proxy.pairs.splice(proxy.pairs.indexOf(pair), 1));
      client.on('data', (chunk: Buffer) => {
        proxy.bytesFromClients += chunk.length;
        // Stalled: what clients send is read (and counted) but held, never forwarded.
        if (proxy.stalled) pair.held.push(chunk);
        if (proxy.dropAt !== undefined && proxy.bytesFromClients >= proxy.dropAt) {
          // A flaky link: every connection cut at once, new ones welcome.
          proxy.dropAt = undefined;
          proxy.drops += 1;
          for (const s of proxy.sockets) s.destroy();
        }
      });
      // A connection made while stalled is held (accepted, never answered) until restored.
      if (!proxy.stalled) proxy.join(pair);
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

  private join(pair: { client: Socket; upstream?: Socket; held: Buffer[] }): void {
    if (!pair.upstream) {
      pair.upstream = this.connectUpstream();
      this.track(pair.upstream);
    }
    for (const chunk of pair.held.splice(0)) pair.upstream.write(chunk);
    pair.client.pipe(pair.upstream).pipe(pair.client);
    pair.upstream.resume();
  }

  /**
   * Nothing passes either way from now on; connections stay open, new ones are accepted and held,
   * and what clients send is still counted (bytesFromClients), so a test can wait for a request
   * to be stuck.
   */
  stall(): void {
    this.stalled = true;
    for (const { client, upstream } of this.pairs) {
      client.unpipe();
      upstream?.unpipe();
      upstream?.pause();
      client.resume();
    }
  }

  /** What clients have sent since the stall, held back. */
  held(): Buffer {
    return Buffer.concat(this.pairs.flatMap((p) => p.held));
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
      for (const pair of this.pairs) this.join(pair);
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
