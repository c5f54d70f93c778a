import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '@app/common';

/**
 * socket.io on the HTTP server, with our frame size bound (a larger frame closes the connection).
 * With REDIS_URL, rooms are shared by every process through the socket.io Redis adapter, so an
 * event for a user reaches their sockets on any process.
 */
export class ConfiguredIoAdapter extends IoAdapter {
  private clients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>) {
    const server: Server = super.createIOServer(port, { ...options, maxHttpBufferSize: this.config.socket.maxPayloadBytes } as ServerOptions);
    if (this.config.redis) {
      const pub = new Redis(this.config.redis.url);
      const sub = pub.duplicate();
      this.clients = [pub, sub];
      server.adapter(createAdapter(pub, sub, { key: `${this.config.redis.keyPrefix}:socket.io` }));
    }
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.clients.map((client) => client.quit().catch(() => undefined)));
  }
}
