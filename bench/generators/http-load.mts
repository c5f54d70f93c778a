// Load generator: autocannon against one URL.
//   {cmd:'run', url, authorization, connections, seconds? , amount?, rate?, method?, body?}  -> req/s, p50, p99
// rate: requests per second over all connections (paced), instead of as fast as answered.
import { createRequire } from 'node:module';
import { serveCommands } from '../support.mts';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

serveCommands({
  async run({ url, authorization, connections, seconds, amount, rate, method, body }: { url: string; authorization: string; connections: number; seconds?: number; amount?: number; rate?: number; method?: string; body?: string }) {
    const headers = { authorization, ...(body ? { 'content-type': 'application/json' } : {}) };
    const result = await autocannon({ url, timeout: 300, headers, connections, method: method ?? 'GET', ...(body ? { body } : {}), ...(rate ? { overallRate: rate } : {}), ...(amount ? { amount } : { duration: seconds }) });
    if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
      throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
    }
    const rps = amount ? result.requests.total / result.duration : result.requests.average;
    return { rps: Number(rps.toPrecision(3)), p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total };
  },
});
