/**
 * Making the placement real: the application and environment the plan found missing are
 * created (the application marked as the plugin's, so `remove` may delete it later), and
 * settings written in the file are reconciled. An explicit `env-…` is never touched.
 */
import { createOnce, type SpotinstClient } from '../api';
import type { Application, Environment, EnvironmentInput } from '../spec/wire';
import type { EnvironmentTarget, ServiceModel } from '../framework/service-model';
import { CREATED_BY, type Placement } from './placement';

export interface EnsuredPlacement {
  application?: Application;
  environment: Environment;
  createdApplication: boolean;
  createdEnvironment: boolean;
}

/** The environment settings the file writes; the others keep what the API has or defaults to. */
function writtenSettings(
  target: Extract<EnvironmentTarget, { kind: 'managed' }>,
): Pick<EnvironmentInput, 'providers' | 'locations' | 'strategy'> {
  return {
    ...(target.providers ? { providers: target.providers } : {}),
    ...(target.locations ? { locations: target.locations } : {}),
    ...(target.strategy ? { strategy: target.strategy } : {}),
  };
}

export async function ensurePlacement(client: SpotinstClient, service: ServiceModel, placement: Placement): Promise<EnsuredPlacement> {
  const target = service.environment;
  const existing = placement.environment;
  if (existing && (target.kind === 'id' || placement.environmentAction === 'keep' || placement.environmentAction === 'use')) {
    return { application: placement.application, environment: existing, createdApplication: false, createdEnvironment: false };
  }
  if (target.kind === 'id') throw new Error(`environment ${target.id} was not read before it was used`);
  if (placement.environment && placement.environmentAction === 'update') {
    const environment = await client.environments.update(placement.environment.id, {
      name: placement.environment.name,
      applicationId: placement.environment.applicationId,
      ...writtenSettings(target),
    });
    return { application: placement.application, environment, createdApplication: false, createdEnvironment: false };
  }

  let application = placement.application;
  const createdApplication = application === undefined;
  if (!application) {
    application = await createOnce(
      () => client.applications.create({ name: service.application, description: CREATED_BY }),
      () => client.applications.findByName(service.application),
    );
  }
  const applicationId = application.id;
  const environment = await createOnce(
    () =>
      client.environments.create({
        name: target.name,
        applicationId,
        ...writtenSettings(target),
      }),
    async () => (await client.environments.listByApplication(applicationId)).find((env) => env.name === target.name),
  );
  return { application, environment, createdApplication, createdEnvironment: true };
}
