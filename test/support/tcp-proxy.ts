import { connect, createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A loopback TCP proxy to a real server, whose link can be cut (every connection dropped, new ones refused). */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private up = true;
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
      client.pipe(upstream).pipe(client);
    });
    const proxy = new TcpProxy(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  cut(): void {
    this.up = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.up = true;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
