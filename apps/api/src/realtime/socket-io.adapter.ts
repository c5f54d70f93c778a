import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { ServerOptions } from 'socket.io';
import { AppConfig } from '@app/common';

/** socket.io on the HTTP server, with our frame size bound (a larger frame closes the connection). */
export class ConfiguredIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>) {
    return super.createIOServer(port, { ...options, maxHttpBufferSize: this.config.socket.maxPayloadBytes } as ServerOptions);
  }
}
