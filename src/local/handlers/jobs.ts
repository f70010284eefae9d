import type { CronJob, CronJobConfig, QueryParam } from '../../spec/wire';
import { badRequest } from '../envelope';
import { newId } from '../ids';
import type { Platform } from '../platform';
import type { Route } from '../router';
import { cronProblem } from '../scheduler';
import { isObject, JsonObject, optionalBoolean, optionalObject, optionalString, requiredString, unwrap } from '../validate';

const KIND = 'spotinst:spectrum:events:job';

function checkCron(expression: string): string {
  const problem = cronProblem(expression);
  if (problem)
    throw badRequest(
      `job.cronExpression "${expression}" ${problem.startsWith('must') ? problem : `is not valid: ${problem}`}`,
      'job.cronExpression',
    );
  return expression.trim();
}

function readAction(input: JsonObject, required: boolean): 'INVOKE_FUNCTION' | undefined {
  const action = required ? requiredString(input, 'action', 'job.action', 64) : optionalString(input, 'action', 'job.action', 64);
  if (action !== undefined && action !== 'INVOKE_FUNCTION')
    throw badRequest(`job.action must be INVOKE_FUNCTION (got "${action}")`, 'job.action');
  return action;
}

function readConfig(input: JsonObject): CronJobConfig | undefined {
  const config = optionalObject(input, 'config', 'job.config');
  if (config === undefined) return undefined;
  const result: CronJobConfig = {};
  const body = config.body;
  if (body !== undefined && body !== null) {
    // the SDK sends the body as a string; an object is accepted and kept as its JSON text
    result.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const params = config.queryParams;
  if (params !== undefined && params !== null) {
    if (!Array.isArray(params)) throw badRequest('job.config.queryParams must be a list of {key, value}', 'job.config.queryParams');
    result.queryParams = params.map((param, index): QueryParam => {
      const field = `job.config.queryParams[${index}]`;
      if (!isObject(param) || typeof param.key !== 'string' || param.key === '')
        throw badRequest(`${field} must be {key, value} with a non-empty key`, field);
      return { key: param.key, value: param.value === undefined || param.value === null ? '' : String(param.value) };
    });
  }
  return result;
}

/** Cron jobs ("spectrum event jobs"): the scheduler is told of every change. */
export function jobRoutes(platform: Platform): Route[] {
  return [
    {
      method: 'GET',
      template: '/spectrum/events/job',
      kind: KIND,
      handle: ({ query }) => {
        const resourceId = query.get('resourceId');
        const action = query.get('action');
        const environmentId = query.get('environmentId');
        return Object.values(platform.store.state.jobs).filter(
          (candidate) =>
            (!resourceId || candidate.resourceId === resourceId) &&
            (!action || candidate.action === action) &&
            (!environmentId || candidate.environmentId === environmentId),
        );
      },
    },
    {
      method: 'POST',
      template: '/spectrum/events/job',
      kind: KIND,
      handle: ({ body }) => {
        const input = unwrap(body, 'job');
        const environmentId = requiredString(input, 'environmentId', 'job.environmentId', 64);
        platform.requireEnvironment(environmentId, 'job.environmentId');
        const action = readAction(input, true) as 'INVOKE_FUNCTION';
        const resourceId = requiredString(input, 'resourceId', 'job.resourceId', 64);
        platform.requireFunctionIn(resourceId, environmentId, 'job.resourceId');
        const cronExpression = checkCron(requiredString(input, 'cronExpression', 'job.cronExpression', 256));
        const isEnabled = optionalBoolean(input, 'isEnabled', 'job.isEnabled') ?? true;
        const config = readConfig(input);
        const now = new Date().toISOString();
        const created: CronJob = {
          id: newId('job', (id) => id in platform.store.state.jobs),
          environmentId,
          action,
          resourceId,
          isEnabled,
          cronExpression,
          ...(config ? { config } : {}),
          createdAt: now,
          updatedAt: now,
        };
        platform.store.put('jobs', created);
        platform.scheduler.schedule(created);
        return [created];
      },
    },
    {
      method: 'GET',
      template: '/spectrum/events/job/{id}',
      kind: KIND,
      handle: ({ params }) => [platform.job(params[0])],
    },
    {
      method: 'PUT',
      template: '/spectrum/events/job/{id}',
      kind: KIND,
      handle: ({ params, body }) => {
        const current = platform.job(params[0]);
        const input = unwrap(body, 'job');
        const environmentId = optionalString(input, 'environmentId', 'job.environmentId', 64);
        if (environmentId !== undefined && environmentId !== current.environmentId)
          throw badRequest('job.environmentId cannot change', 'job.environmentId');
        readAction(input, false);
        const resourceId = optionalString(input, 'resourceId', 'job.resourceId', 64) ?? current.resourceId;
        platform.requireFunctionIn(resourceId, current.environmentId, 'job.resourceId');
        const expression = optionalString(input, 'cronExpression', 'job.cronExpression', 256);
        const config = readConfig(input);
        const updated: CronJob = {
          ...current,
          resourceId,
          cronExpression: expression === undefined ? current.cronExpression : checkCron(expression),
          isEnabled: optionalBoolean(input, 'isEnabled', 'job.isEnabled') ?? current.isEnabled,
          ...(config ? { config } : {}),
          updatedAt: new Date().toISOString(),
        };
        platform.store.put('jobs', updated);
        platform.scheduler.schedule(updated);
        return [updated];
      },
    },
    {
      method: 'DELETE',
      template: '/spectrum/events/job/{id}',
      kind: KIND,
      handle: ({ params }) => {
        const current = platform.job(params[0]);
        platform.store.mutate((state) => {
          delete state.jobs[current.id];
        });
        platform.scheduler.unschedule(current.id);
        return [];
      },
    },
  ];
}
