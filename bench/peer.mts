// `scripts/run bench peer`: scenario 6 alone (bench/scenarios/peer.mts), writing its section of
// docs/benchmarks/results.md. RUNS (default 3) ladders per server, as in the suite.
process.env.SCENARIOS = 'peer';
await import('./suite.mts');
