// Preloaded into a server by bench/profile.mts (node --require): samples the event loop's delay
// and prints its percentiles (ms) as one JSON line on stderr when asked to stop (SIGTERM; Nest's
// shutdown hook then ends the process by the signal itself, so 'exit' is not reliable).
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');

const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
process.once('SIGTERM', () => {
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  const figures = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
  process.stderr.write(`event-loop-delay ${JSON.stringify(figures)}\n`);
});
