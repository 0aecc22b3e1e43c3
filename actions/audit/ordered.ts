/**
 * Runs `work` over `items` with at most `limit` in flight and yields the results in input order,
 * so a consumer writes them in a stable order while later items are already being fetched.
 * Memory: at most `limit` results waiting.
 */
export async function* orderedMap<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const running: Promise<R>[] = [];
  let next = 0;
  const start = () => {
    const item = items[next++]!;
    const promise = work(item);
    // Rejections are observed when awaited below; keep Node from calling them unhandled meanwhile.
    promise.catch(() => undefined);
    running.push(promise);
  };
  while (next < items.length && running.length < limit) start();
  while (running.length > 0) {
    const result = await running.shift()!;
    if (next < items.length) start();
    yield result;
  }
}
