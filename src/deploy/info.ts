/** `serverless info [-f NAME]`: the service as the API has it, not as a local file remembers it. */
import type { ServiceCommandContext } from '../provider/port';
import { selectFunction } from '../remote/function';
import { deployedEnvironment, findPlacement, readEnvironment } from '../remote/placement';
import { deployedService, renderInfo } from '../remote/render';

export async function showInfo(context: ServiceCommandContext): Promise<void> {
  const service = context.provider.getService();
  const only = context.options.function === undefined ? undefined : selectFunction(service, context.options).key;
  const client = context.provider.getClient();
  const placement = await findPlacement(client, service);
  const environment = deployedEnvironment(placement, service, 'SPOTINST_NOT_DEPLOYED');
  const state = await readEnvironment(client, environment.id, {});
  context.writeText(renderInfo(deployedService(service, placement, environment.id, state, context.provider.apiUrl), only));
}
