import type { UserDocument } from '../../spec/wire';
import { badRequest, conflict, notFound } from '../envelope';
import type { Platform } from '../platform';
import type { Route } from '../router';
import { requiredString, unwrap } from '../validate';

const KIND = 'spotinst:functions:userDocument';
/** A document value is kept in the state document: keep it to a sane size. */
const MAX_VALUE_BYTES = 256 * 1024;

function readValue(input: Record<string, unknown>): unknown {
  if (!('value' in input)) throw badRequest('userDocument.value is required', 'userDocument.value');
  if (Buffer.byteLength(JSON.stringify(input.value)) > MAX_VALUE_BYTES) {
    throw badRequest(`userDocument.value is larger than ${MAX_VALUE_BYTES / 1024} KB`, 'userDocument.value');
  }
  return input.value;
}

function document(platform: Platform, environmentId: string, key: string): UserDocument {
  platform.environment(environmentId);
  const found = platform.store.state.documents[environmentId]?.[key];
  if (!found) throw notFound('userDocument', `"${key}" of environment ${environmentId}`);
  return found;
}

/** The environment's key/value store, read by functions through context.getDoc(). */
export function documentRoutes(platform: Platform): Route[] {
  return [
    {
      method: 'GET',
      template: '/functions/environment/{id}/userDocument',
      kind: KIND,
      handle: ({ params }) => {
        platform.environment(params[0]);
        return Object.values(platform.store.state.documents[params[0]] ?? {});
      },
    },
    {
      method: 'POST',
      template: '/functions/environment/{id}/userDocument',
      kind: KIND,
      handle: ({ params, body }) => {
        const environmentId = params[0];
        platform.environment(environmentId);
        const input = unwrap(body, 'userDocument');
        const key = requiredString(input, 'key', 'userDocument.key', 256);
        const value = readValue(input);
        if (platform.store.state.documents[environmentId]?.[key]) {
          throw conflict(
            'DOCUMENT_EXISTS',
            `environment ${environmentId} already has a document "${key}"; update it with PUT`,
            'userDocument.key',
          );
        }
        const now = new Date().toISOString();
        const created: UserDocument = { key, value, createdAt: now, updatedAt: now };
        platform.store.mutate((state) => {
          state.documents[environmentId] = { ...state.documents[environmentId], [key]: created };
        });
        return [created];
      },
    },
    {
      method: 'GET',
      template: '/functions/environment/{id}/userDocument/{id}',
      kind: KIND,
      handle: ({ params }) => [document(platform, params[0], params[1])],
    },
    {
      method: 'PUT',
      template: '/functions/environment/{id}/userDocument/{id}',
      kind: KIND,
      handle: ({ params, body }) => {
        const [environmentId, key] = params;
        const current = document(platform, environmentId, key);
        const input = unwrap(body, 'userDocument');
        if (input.key !== undefined && input.key !== key)
          throw badRequest('userDocument.key cannot change (it is the path)', 'userDocument.key');
        const updated: UserDocument = { ...current, value: readValue(input), updatedAt: new Date().toISOString() };
        platform.store.mutate((state) => {
          state.documents[environmentId] = { ...state.documents[environmentId], [key]: updated };
        });
        return [updated];
      },
    },
    {
      method: 'DELETE',
      template: '/functions/environment/{id}/userDocument/{id}',
      kind: KIND,
      handle: ({ params }) => {
        const [environmentId, key] = params;
        document(platform, environmentId, key);
        platform.store.mutate((state) => {
          const docs = { ...state.documents[environmentId] };
          delete docs[key];
          state.documents[environmentId] = docs;
        });
        return [];
      },
    },
  ];
}
