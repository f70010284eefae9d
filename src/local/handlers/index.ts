import type { Platform } from '../platform';
import type { Route } from '../router';
import { applicationRoutes } from './applications';
import { environmentRoutes } from './environments';
import { documentRoutes } from './documents';
import { functionRoutes } from './functions';
import { patternRoutes } from './patterns';
import { aliasRoutes } from './aliases';
import { jobRoutes } from './jobs';

/** Every management route of SPEC §2. */
export function managementRoutes(platform: Platform): Route[] {
  return [
    ...applicationRoutes(platform),
    ...documentRoutes(platform),
    ...environmentRoutes(platform),
    ...functionRoutes(platform),
    ...patternRoutes(platform),
    ...aliasRoutes(platform),
    ...jobRoutes(platform),
  ];
}
