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

/**
 * Resolves with the condition's first value that is not false, null or undefined (so a
 * condition may return what it found, or a boolean). A condition that throws is asked
 * again; the last error is named if the deadline passes.
 */
export async function pollUntil<T>(condition: () => T | Promise<T>, options: PollOptions): Promise<Exclude<T, false | null | undefined>> {
  const timeoutMs = options.timeoutMs ?? 10000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value !== undefined && value !== null && value !== false) return value as Exclude<T, false | null | undefined>;
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
