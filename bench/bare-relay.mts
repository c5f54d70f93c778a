// The ceiling for the socket benchmarks: socket.io relaying the same five packets with no auth,
// no validation and no database. Each client names itself with ?user=ID. Listens on PORT.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Server } = require('socket.io');

interface RelaySocket {
  handshake: { query: { user: string } };
  join(room: string): void;
  on(event: string, handler: (payload: Record<string, string>, ack?: (reply: object) => void) => void): void;
}

const http = createServer((request, response) => {
  response.writeHead(request.url === '/health' ? 200 : 404).end();
});
const io = new Server(http, { transports: ['websocket'] });
io.on('connection', (socket: RelaySocket) => {
  const user = socket.handshake.query.user;
  socket.join(user);
  socket.on('im', (payload, ack) => {
    ack?.({ status: 'sent', uniqueid: payload.uniqueid });
    io.to(payload.to).emit('im', { ...payload, from: user });
  });
  socket.on('messageStatusUpdate', (payload, ack) => {
    ack?.({ status: 'statusUpdated', uniqueid: payload.uniqueid });
    io.to(payload.sender).emit('messageStatusUpdate', { status: payload.status, uniqueid: payload.uniqueid });
  });
});
http.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
