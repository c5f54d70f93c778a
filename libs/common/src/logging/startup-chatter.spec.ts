import { Writable } from 'node:stream';
import pino from 'pino';
import { startupChatterAtDebug } from './startup-chatter';

describe('startupChatterAtDebug', () => {
  const logged = (level: 'info' | 'debug') => {
    const lines: { level: number; msg: string; context?: string }[] = [];
    const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
    return { log: pino({ level, hooks: startupChatterAtDebug }, stream), lines };
  };

  it("moves Nest's route table and module lines to debug, and leaves the rest at info", () => {
    const { log, lines } = logged('info');
    log.info({ context: 'RouterExplorer' }, 'Mapped {/health, GET} route');
    log.info({ context: 'InstanceLoader' }, 'AppModule dependencies initialized');
    log.info({ context: 'Bootstrap' }, 'listening on http://localhost:3000');
    expect(lines.map((l) => l.msg)).toEqual(['listening on http://localhost:3000']);
  });

  it('shows them at LOG_LEVEL=debug', () => {
    const { log, lines } = logged('debug');
    log.info({ context: 'RouterExplorer' }, 'Mapped {/health, GET} route');
    expect(lines).toEqual([expect.objectContaining({ level: 20, context: 'RouterExplorer', msg: 'Mapped {/health, GET} route' })]);
  });
});
