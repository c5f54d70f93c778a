/**
 * Retries an assertion until it passes or the bound runs out, then fails with the last error.
 * For conditions that become true through something outside the test (a database coming back),
 * where there is no event to wait on.
 */
export async function eventually<T>(check: () => Promise<T>, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
    }
  }
}
