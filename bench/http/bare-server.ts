/** The baseline: a bare Fastify 5 server answering one route with the same bytes PNPtv's /healthz sends. */
import Fastify from 'fastify';

const body = '{"status":"ok"}';
const app = Fastify({ logger: false });
app.get('/healthz', (_request, reply) => {
  void reply
    .header('content-type', 'application/json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body);
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`bare listening on ${typeof address === 'object' && address ? address.port : ''}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
