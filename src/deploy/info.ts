/** `serverless info [-f NAME]`: the service as the API has it, not as a local file remembers it. */
import { SpotinstError } from '../errors';
import type { CommandContext } from '../plugin/serverless-types';
import { functionOf } from './deploy';
import { findPlacement, readEnvironment } from './remote';
import { renderInfo } from './render';

export async function showInfo(context: CommandContext): Promise<void> {
  const service = context.provider.getService();
  const only = context.options.function;
  if (only !== undefined) functionOf(service, only);
  const client = context.provider.getClient();
  const placement = await findPlacement(client, service);
  if (!placement.environment || placement.environmentAction === 'create') {
    const where = placement.application ? `application ${service.application} has no environment "${service.stage}"` : `there is no application "${service.application}"`;
    throw new SpotinstError(
      `Service ${service.service} (stage ${service.stage}) is not deployed: ${where}. Run \`serverless deploy\`.`,
      'SPOTINST_NOT_DEPLOYED',
    );
  }
  const state = await readEnvironment(client, placement.environment.id, {});
  context.writeText(
    renderInfo(
      {
        service,
        applicationName: placement.application?.name,
        applicationId: placement.application?.id,
        environmentName: placement.environment.name,
        environmentId: placement.environment.id,
        functions: state.functions,
        jobs: state.jobs,
        patterns: state.patterns,
        aliasHost: service.alias,
      },
      typeof only === 'string' ? only : undefined,
    ),
  );
}
