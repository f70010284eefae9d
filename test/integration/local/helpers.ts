/**
 * Kept so that test files importing from here still compile: the platform fixture lives in
 * test/helpers/platform.ts, a throwaway PostgreSQL in test/helpers/postgres.ts and the one way
 * to wait in test/helpers/poll.ts. New files import from those.
 */
import { pollUntil } from '../../helpers/poll';

export {
  clientFor,
  createEnvironment,
  restartTestPlatform,
  startTestPlatform,
  stopTestPlatform,
  tempDir,
  useServicePlatform,
  type ServicePlatform,
  type TestPlatform,
} from '../../helpers/platform';
export { usePostgres } from '../../helpers/postgres';

/** @deprecated pollUntil(check, { timeoutMs, what }) from test/helpers/poll.ts, which this calls. */
export function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<Exclude<T, false | null | undefined>> {
  return pollUntil(check, { timeoutMs, intervalMs: 100, what });
}
