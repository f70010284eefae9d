/**
 * Which function a command is about: the one named by `--function` in serverless.yml, and
 * (for commands that talk to the platform) the deployed function of that name. Every
 * command that takes `-f` (deploy function, info, invoke, invoke local, logs) asks here, so
 * each case has one message and one code.
 */
import type { SpotinstClient, FunctionRecord } from '../api';
import { deployedEnvironment, findPlacement } from './placement';
import { SpotinstError } from '../framework/errors';
import { findFunction, type FunctionModel, type ServiceModel } from '../framework/service-model';
import type { CliOptions } from '../framework/serverless';

function knownFunctions(service: ServiceModel): string {
  const keys = service.functions.map((fn) => fn.key);
  return keys.length > 0 ? `Functions of this service: ${keys.join(', ')}.` : 'This service defines no functions.';
}

/** The function `--function` names (its key, else its remote name), or an error that lists them. */
export function selectFunction(service: ServiceModel, options: CliOptions): FunctionModel {
  const wanted = options.function;
  if (typeof wanted !== 'string' || wanted === '') {
    throw new SpotinstError(`Name the function with --function (-f). ${knownFunctions(service)}`, 'SPOTINST_FUNCTION_REQUIRED');
  }
  const found = findFunction(service, wanted);
  if (!found) {
    throw new SpotinstError(`Function "${wanted}" is not in serverless.yml. ${knownFunctions(service)}`, 'SPOTINST_FUNCTION_NOT_IN_FILE');
  }
  return found;
}

/** The deployed function, found by its remote name in the service's environment. */
export async function findDeployedFunction(client: SpotinstClient, service: ServiceModel, fn: FunctionModel): Promise<FunctionRecord> {
  const environment = deployedEnvironment(await findPlacement(client, service), service, 'SPOTINST_NOT_DEPLOYED', `Function "${fn.key}"`);
  const remote = await client.functions.findByName(environment.id, fn.name);
  if (!remote) {
    throw new SpotinstError(
      `Function "${fn.key}" is not deployed: environment ${environment.name} (${environment.id}) has no function named "${fn.name}". ` +
        `Deploy it with \`serverless deploy --stage ${service.stage}\`.`,
      'SPOTINST_NOT_DEPLOYED',
    );
  }
  return remote;
}
