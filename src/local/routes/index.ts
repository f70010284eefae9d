import type { Route } from '../router';
import type { Services } from '../services';
import { aliasRoutes } from './aliases';
import { applicationRoutes } from './applications';
import { documentRoutes } from './documents';
import { environmentRoutes } from './environments';
import { functionRoutes } from './functions';
import { jobRoutes } from './jobs';
import { logRoutes } from './logs';
import { patternRoutes } from './patterns';

export { Triggers } from './triggers';

/** Every management route of SPEC §2; literal paths before the `{id}` ones they look like. */
export function managementRoutes(services: Services): Route[] {
  return [
    ...applicationRoutes(services.applications),
    ...documentRoutes(services.documents),
    ...environmentRoutes(services.environments),
    ...logRoutes(services.logs),
    ...functionRoutes(services.functions),
    ...patternRoutes(services.patterns),
    ...aliasRoutes(services.aliases),
    ...jobRoutes(services.jobs),
  ];
}
