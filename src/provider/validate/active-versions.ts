/** functions.*.activeVersions: the spec's traffic-split rule, each problem under its item's key path. */
import { checkActiveVersions, formatHundredths, type ActiveVersionsProblem } from '../../spec/active-versions';
import type { ActiveVersion } from '../../spec/wire';
import { isMap, isOneOf, joinPath, unknownKeyFix } from './text';
import type { Problems } from './problems';

const ACTIVE_VERSION_KEYS = ['version', 'percentage'] as const;
const ACTIVE_VERSIONS_EXAMPLE = 'activeVersions: [{version: $LATEST, percentage: 100}]';

function versionFix(problem: ActiveVersionsProblem, raw: unknown): string {
  const { reason } = problem;
  if (reason.kind === 'missing') return 'add version: $LATEST or a version number such as 2';
  if (reason.kind === 'duplicate') return 'merge the two entries into one whose percentage is their sum';
  if (reason.nearest === '$LATEST') return 'use $LATEST (upper case, with the $)';
  if (typeof reason.nearest === 'number') {
    return typeof raw === 'number' && raw < 0
      ? `use a version number 0 or above, e.g. ${reason.nearest}`
      : `use a whole version number, e.g. ${reason.nearest}`;
  }
  return 'use $LATEST or a version number such as 2';
}

function percentageFix(problem: ActiveVersionsProblem): string {
  const { reason } = problem;
  switch (reason.kind) {
    case 'missing':
      return 'add e.g. percentage: 100';
    case 'range':
      return reason.nearest === undefined ? 'remove this entry, or give it a positive share such as 10' : `use at most ${reason.nearest}`;
    case 'decimals':
      return `use ${String(reason.nearest)}`;
    default:
      return 'write e.g. percentage: 20 (without %)';
  }
}

export function validateActiveVersions(raw: unknown, path: string, problems: Problems): ActiveVersion[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    problems.error(
      path,
      raw,
      'activeVersions must be a list of {version, percentage}',
      isMap(raw) && 'version' in raw
        ? `write it as a list: activeVersions: [{version: ${String(raw.version)}, percentage: 100}]`
        : `write e.g. ${ACTIVE_VERSIONS_EXAMPLE}`,
    );
    return undefined;
  }
  const items: unknown[] = raw;
  const checked = checkActiveVersions(items);
  const byItem = new Map<number, ActiveVersionsProblem[]>();
  for (const problem of checked.problems) {
    if (problem.index !== undefined) byItem.set(problem.index, [...(byItem.get(problem.index) ?? []), problem]);
  }

  items.forEach((item, index) => {
    const itemPath = `${path}[${index}]`;
    if (isMap(item)) {
      for (const key of Object.keys(item)) {
        if (!isOneOf(ACTIVE_VERSION_KEYS, key)) {
          problems.error(
            joinPath(itemPath, key),
            item[key],
            `"${key}" is not a key of an activeVersions item (known: version, percentage)`,
            unknownKeyFix(key, ACTIVE_VERSION_KEYS, { weight: 'percentage', percent: 'percentage' }),
          );
        }
      }
    }
    for (const problem of byItem.get(index) ?? []) {
      if (problem.key === undefined) {
        problems.error(
          itemPath,
          item,
          `each activeVersions item ${problem.reason.problem}`,
          'write e.g. - {version: $LATEST, percentage: 100}',
        );
        continue;
      }
      const value = isMap(item) ? item[problem.key] : undefined;
      const fix = problem.key === 'version' ? versionFix(problem, value) : percentageFix(problem);
      problems.error(`${itemPath}.${problem.key}`, value, `${problem.key} ${problem.reason.problem}`, fix);
    }
  });

  for (const problem of checked.problems) {
    if (problem.index !== undefined) continue;
    const { reason } = problem;
    if (reason.kind === 'sum') {
      const listed = items.map((item) => (isMap(item) ? String(item.percentage) : '?')).join(' + ');
      problems.error(
        path,
        raw,
        `the percentages ${reason.problem} (${listed})`,
        reason.difference > 0
          ? `add ${formatHundredths(reason.difference)} to one of the percentages`
          : `take ${formatHundredths(-reason.difference)} off the percentages`,
      );
    } else {
      problems.error(path, raw, `activeVersions ${reason.problem}`, `write ${ACTIVE_VERSIONS_EXAMPLE}, or remove the key`);
    }
  }
  return checked.activeVersions;
}
