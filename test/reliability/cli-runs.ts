/**
 * For reliability tests that run many CLI invocations: a few at a time (the machine has two
 * cores, and each CLI is a node process of its own), and what each left on spotinst-local.
 */

/** Runs the tasks `limit` at a time, keeping their order in the results. */
export async function runLimited<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next;
      next += 1;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

export interface PlatformStats {
  requests: Record<string, number>;
  invocations: number;
}

/** GET /__local/stats, as any tool outside the platform would read it. */
export async function readStats(platformUrl: string): Promise<PlatformStats> {
  const response = await fetch(`${platformUrl}/__local/stats`);
  if (!response.ok) throw new Error(`GET /__local/stats answered ${response.status}`);
  return (await response.json()) as PlatformStats;
}

/** The write calls among the counted requests: every POST, PUT and DELETE route. */
export function writeCalls(stats: PlatformStats): Record<string, number> {
  return Object.fromEntries(Object.entries(stats.requests).filter(([route, count]) => count > 0 && /^(POST|PUT|DELETE) /.test(route)));
}
