/**
 * The one way tests wait: poll a condition until it holds or a deadline passes, then fail
 * saying what was awaited. Never a bare sleep standing in for "long enough".
 */
export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** what is awaited, for the failure message */
  what: string;
}

export async function pollUntil<T>(condition: () => T | Promise<T>, options: PollOptions): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
