// The REST benchmark's yardstick for Nest's overhead: the same list-of-conversations handler
// (ConversationQueriesService from the same AppModule, the same token check, the same mapping and envelope) on
// bare Fastify: no Nest router, guards, pipes, interceptors or exception filter. Run by the
// benchmark as a server process, with the server's environment.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './support.mts';

const require = createRequire(import.meta.url);
const dist = (path: string) => require(join(ROOT, 'dist', path));
const { NestFactory } = require('@nestjs/core');
const Fastify = require('fastify');
const { AppConfig, ok, toAppError } = dist('libs/common/src/index.js');
const { TokenService, bearerToken } = dist('libs/auth/src/index.js');
const { AppModule } = dist('apps/api/src/app.module.js');
const { ConversationQueriesService } = dist('apps/api/src/chat/conversation-queries.service.js');
const { mapConversationSummary } = dist('apps/api/src/chat/dto/map-conversation.js');

const config = AppConfig.fromEnvironment();
const context = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error'] });
const tokens = context.get(TokenService);
const queries = context.get(ConversationQueriesService);

const app = Fastify();
app.get('/health', async () => ({ status: 'ok' }));
app.get('/Chat/Conversations/List', async (request: { headers: { authorization?: string } }, reply: { code(n: number): void }) => {
  try {
    const me = await tokens.verify(bearerToken(request.headers.authorization));
    const list = await queries.list(me.userId);
    return ok(`List ${list.length} conversations`, list.map(mapConversationSummary));
  } catch (err) {
    const error = toAppError(err);
    reply.code(error.status);
    return { status: false, message: error.message };
  }
});
await app.listen({ port: config.port, host: config.host });
const stop = () => void app.close().then(() => context.close()).then(() => process.exit(0));
process.once('SIGTERM', stop);
