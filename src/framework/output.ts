/** How `invoke` and `invoke local` print what a function returned (stdout). */

/** A reply body: pretty JSON when it is JSON, else as is; `raw` prints it untouched. */
export function formatBody(text: string, raw: boolean): string {
  if (raw || text.trim() === '') return text;
  try {
    return JSON.stringify(JSON.parse(text) as unknown, null, 2);
  } catch {
    return text;
  }
}

/** A handler's result value: strings as they are, anything else as JSON (compact with `raw`). */
export function formatValue(value: unknown, raw: boolean): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return raw ? JSON.stringify(value) : JSON.stringify(value, null, 2);
}

/** What the platform says when an invocation failed: `{"errorMessage", "errorType"}`. */
export interface PlatformError {
  errorMessage: string;
  errorType?: string;
}

export function platformError(text: string): PlatformError | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as PlatformError).errorMessage === 'string') {
      const { errorMessage, errorType } = parsed as PlatformError;
      return { errorMessage, errorType: typeof errorType === 'string' ? errorType : undefined };
    }
  } catch {
    // not JSON: not the platform's error shape
  }
  return undefined;
}
