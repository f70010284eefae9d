/** functions.*.iamRoleConfig and functions.*.parameters (the default event data). */
import cloneDeep from 'lodash/cloneDeep';
import { isMap, joinPath, unknownKeyFix } from './text';
import type { Problems } from './problems';

export function validateIamRoleConfig(raw: unknown, path: string, problems: Problems): { roleId: string } | undefined {
  if (raw === undefined || raw === null) return undefined;
  const example = 'iamRoleConfig: {roleId: sfr-5ea76784}';
  if (!isMap(raw)) {
    let fix = `write ${example}`;
    if (typeof raw === 'string' && raw.trim() !== '') fix = `write iamRoleConfig: {roleId: ${raw.trim()}}`;
    else if (Array.isArray(raw) && raw.length === 1 && isMap(raw[0])) {
      const id = raw[0].roleId ?? raw[0].id;
      if (typeof id === 'string' && id.trim() !== '') fix = `write it as a map: iamRoleConfig: {roleId: ${id.trim()}}`;
    }
    problems.error(path, raw, 'iamRoleConfig must be a map {roleId}', fix);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (key !== 'roleId') {
      problems.error(
        joinPath(path, key),
        raw[key],
        `"${key}" is not a key of iamRoleConfig (known: roleId)`,
        unknownKeyFix(key, ['roleId'], { id: 'roleId', role: 'roleId', roleID: 'roleId' }),
      );
    }
  }
  const roleId = raw.roleId;
  if (typeof roleId === 'string' && roleId.trim() !== '') return { roleId: roleId.trim() };
  problems.error(
    `${path}.roleId`,
    roleId,
    roleId === undefined || roleId === null || roleId === '' ? 'iamRoleConfig.roleId is required' : 'iamRoleConfig.roleId must be a string',
    `write the Spotinst role id, e.g. ${example}, or remove iamRoleConfig`,
  );
  return undefined;
}

export function validateParameters(raw: unknown, path: string, problems: Problems): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (isMap(raw)) return cloneDeep(raw);
  let fix = 'write a map of the default event data, e.g. parameters: {name: world}';
  if (typeof raw === 'string') {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (isMap(parsed)) fix = `write it as a YAML map instead of a JSON string, e.g. parameters: ${JSON.stringify(parsed)}`;
    } catch {
      // not JSON: keep the general fix
    }
  }
  problems.error(path, raw, 'parameters must be a map (the default event data for invoke and invoke local)', fix);
  return undefined;
}
