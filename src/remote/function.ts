/**
 * Which function a command is about: the one named by `--function` in serverless.yml, and
 * (for commands that talk to the platform) the deployed function of that name.
 */
import type { SpotinstClient, FunctionRecord } from '../api';
import { deployedEnvironment, findPlacement } from './placement';
import { SpotinstError, type CodePrefix } from '../framework/errors';
import { findFunction, type FunctionModel, type ServiceModel } from '../framework/service-model';
import type { CliOptions } from '../framework/serverless';

/** `SPOTINST_INVOKE`, `SPOTINST_INVOKE_LOCAL`, `SPOTINST_LOGS`: error codes say which command failed. */

/** The function `--function` names (see findFunction), or an error that lists them. */
export function selectFunction(service: ServiceModel, options: CliOptions, prefix: CodePrefix): FunctionModel {
  const keys = service.functions.map((fn) => fn.key);
  const known = keys.length > 0 ? `Functions in this service: ${keys.join(', ')}.` : 'This service defines no functions.';
  const wanted = options.function;
  if (typeof wanted !== 'string' || wanted === '') {
    throw new SpotinstError(`Name the function with --function (-f). ${known}`, `${prefix}_FUNCTION_REQUIRED`);
  }
  const found = findFunction(service, wanted);
  if (!found) {
    throw new SpotinstError(`There is no function "${wanted}" under functions: in serverless.yml. ${known}`, `${prefix}_UNKNOWN_FUNCTION`);
  }
  return found;
}

/** The deployed function, found by its remote name in the service's environment. */
export async function findDeployedFunction(
  client: SpotinstClient,
  service: ServiceModel,
  fn: FunctionModel,
  prefix: CodePrefix,
): Promise<FunctionRecord> {
  const deployHint = `Deploy it with \`serverless deploy --stage ${service.stage}\`.`;
  const environment = deployedEnvironment(await findPlacement(client, service), service, `${prefix}_NOT_DEPLOYED`, `Function "${fn.key}"`);
  const remote = await client.functions.findByName(environment.id, fn.name);
  if (!remote) {
    throw new SpotinstError(
      `Function "${fn.key}" is not deployed: environment ${environment.name} (${environment.id}) has no function named "${fn.name}". ${deployHint}`,
      `${prefix}_NOT_DEPLOYED`,
    );
  }
  return remote;
}
