import type { OverviewApplication, OverviewEnvironment, OverviewFunction } from '../../api-types';
import type { ConsoleApi } from '../api';
import type { Place } from '../session';

/** What a view is given to draw itself. */
export interface ViewContext {
  api: ConsoleApi;
  /** where the view draws */
  main: HTMLElement;
  /** aborts when the view is left: streams and timers stop */
  signal: AbortSignal;
  /** says something in the status line (read out by screen readers) */
  status(message: string, kind?: 'info' | 'error'): void;
  go(place: Place): void;
}

/** Everything deployed, with each function's environment and application beside it. */
export interface Deployed {
  applications: OverviewApplication[];
  find(functionId: string): { fn: OverviewFunction; environment: OverviewEnvironment; application: OverviewApplication } | undefined;
  environment(environmentId: string): { environment: OverviewEnvironment; application: OverviewApplication } | undefined;
}

export async function loadDeployed(api: ConsoleApi): Promise<Deployed> {
  const applications = await api.get<OverviewApplication>('/__local/api/overview');
  return {
    applications,
    find(functionId) {
      for (const application of applications)
        for (const environment of application.environments)
          for (const fn of environment.functions) if (fn.id === functionId) return { fn, environment, application };
      return undefined;
    },
    environment(environmentId) {
      for (const application of applications)
        for (const environment of application.environments) if (environment.id === environmentId) return { environment, application };
      return undefined;
    },
  };
}
