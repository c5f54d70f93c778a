// Load generator against one URL.
//   {cmd:'run', url, authorization, connections, seconds? , amount?, rate?, method?, body?}  -> req/s, p50, p99
// Without rate: autocannon, `connections` each sending its next request when the last is answered.
// With rate: an open loop of evenly spaced requests (one every 1000/rate ms, each timed from when it
// was due, so a late answer delays nobody's clock), the latency a user sees while the server is
// not saturated. (autocannon's overallRate lets each second's requests go together, which measured
// its own bursts' queueing: 20 requests at once, every second.)
import { createRequire } from 'node:module';
import { serveCommands } from '../support.mts';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

interface RunCommand {
  url: string;
  authorization: string;
  connections: number;
  seconds?: number;
  amount?: number;
  rate?: number;
  method?: string;
  body?: string;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

async function paced({ url, authorization, seconds, amount, rate, method, body }: RunCommand & { rate: number }) {
  const headers = { authorization, ...(body ? { 'content-type': 'application/json' } : {}) };
  const total = amount ?? Math.round(rate * (seconds ?? 10));
  const interval = 1000 / rate;
  const start = performance.now() + 20;
  const latencies: number[] = [];
  let failures = 0;
  await Promise.all(
    Array.from({ length: total }, async (_, i) => {
      const due = start + i * interval;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      const response = await fetch(url, { method: method ?? 'GET', headers, ...(body ? { body } : {}) });
      await response.arrayBuffer();
      if (!response.ok) failures++;
      latencies.push(performance.now() - due);
    }),
  );
  if (failures > 0) throw new Error(`${url}: ${failures} non-2xx`);
  const sorted = latencies.sort((a, b) => a - b);
  const elapsed = (performance.now() - start) / 1000;
  return { rps: Number((total / elapsed).toPrecision(3)), p50: Math.round(quantile(sorted, 0.5)), p99: Math.round(quantile(sorted, 0.99)), requests: total };
}

serveCommands({
  async run(command: RunCommand) {
    if (command.rate) return paced(command as RunCommand & { rate: number });
    const { url, authorization, connections, seconds, amount, method, body } = command;
    const headers = { authorization, ...(body ? { 'content-type': 'application/json' } : {}) };
    const result = await autocannon({ url, timeout: 300, headers, connections, method: method ?? 'GET', ...(body ? { body } : {}), ...(amount ? { amount } : { duration: seconds }) });
    if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
      throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
    }
    const rps = amount ? result.requests.total / result.duration : result.requests.average;
    return { rps: Number(rps.toPrecision(3)), p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total };
  },
});
