/** The unit tests of `invoke` and `logs`: a function deployed behind the mocked API, and a command context for it. */
import type { SpotinstFunction } from '../../../src/api';
import type { FunctionModel } from '../../../src/framework/service-model';
import type { CliOptions } from '../../../src/framework/serverless';
import { fakeContext, functionModel, serviceModel } from '../../helpers/command-context';
import { ACCOUNT, envelope, expectCall, makeClient, TOKEN } from '../api/helpers';

export const ENV_ID = 'env-11111111';
export const FX_ID = 'fx-22222222';
export const FN_HOST = 'http://functions.test';
/** the function URL of FX_ID */
export const FN_PATH = `/fn/${ENV_ID}/${FX_ID}`;

/** The platform's record of the function `hello`, deployed as FX_ID in ENV_ID. */
export function remoteFunction(overrides: Partial<SpotinstFunction> = {}): SpotinstFunction {
  return {
    id: FX_ID,
    name: 'hello',
    environmentId: ENV_ID,
    runtime: 'nodejs83',
    access: 'public',
    limits: { memory: 128, timeout: 30 },
    latestVersion: 3,
    activeVersions: [{ version: '$LATEST', percentage: 100 }],
    url: `${FN_HOST}${FN_PATH}`,
    ...overrides,
  };
}

/**
 * Mocks the lookup of the deployed function: environment ENV_ID, then its functions, which
 * are `functions` (none: the function is not deployed).
 */
export function mockDeployed(...functions: SpotinstFunction[]): void {
  expectCall('GET', `/functions/environment/${ENV_ID}`, {
    reply: envelope([
      { id: ENV_ID, name: 'dev', applicationId: 'app-1', providers: ['aws'], locations: ['us-east'], strategy: 'least-expensive' },
    ]),
  });
  expectCall('GET', '/functions/function', { query: { environmentId: ENV_ID }, reply: envelope(functions) });
}

export interface CommandContextSettings {
  /** overrides of the service's function `hello` */
  fn?: Partial<FunctionModel>;
  /**
   * false: the context has no client, and any API call fails the test. Use it to check
   * what must be refused before the API is called.
   */
  api?: boolean;
}

/**
 * A context for `invoke` or `logs` of the function `hello`, in a service deployed to the
 * environment ENV_ID, with a client against the nock base that does not retry.
 */
export function commandContext(options: CliOptions, settings: CommandContextSettings = {}): ReturnType<typeof fakeContext> {
  return fakeContext({
    service: serviceModel([functionModel('hello', settings.fn)], { environment: { kind: 'id', id: ENV_ID } }),
    options: { function: 'hello', ...options },
    client: settings.api === false ? undefined : makeClient({ retry: { retries: 0 } }).client,
    credentials: { token: TOKEN, account: ACCOUNT, source: 'profile "default"' },
  });
}
