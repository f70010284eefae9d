import { SpotinstApiError } from './errors';

/**
 * Creates a resource without ever making a duplicate: when a create fails in a way that
 * may have been carried out by the server (reset, timeout, 5xx on POST), the resource is
 * looked up by its natural key before creating again.
 */
export async function createOnce<T>(create: () => Promise<T>, lookup: () => Promise<T | undefined>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await create();
    } catch (error) {
      if (!(error instanceof SpotinstApiError) || !error.uncertain || attempt >= attempts) throw error;
      const existing = await lookup();
      if (existing !== undefined) return existing;
    }
  }
}
