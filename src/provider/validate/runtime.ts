/** functions.*.runtime: the spec's runtime rule, with a guess at what an unknown name meant. */
import {
  DOCUMENTED_RUNTIMES,
  checkRuntime,
  documentedRuntimesOf,
  oldestDocumentedVersion,
  compareVersions,
  parseRuntime,
  type RuntimeFamily,
} from '../../spec/runtimes';
import { closest, renderValue } from './text';
import type { Problems } from './problems';

export interface RuntimeResult {
  name: string;
  family?: RuntimeFamily;
}

const DOCUMENTED_LIST = DOCUMENTED_RUNTIMES.join(', ');
const NEWER_EXAMPLE: Record<RuntimeFamily, string> = { nodejs: 'nodejs20', python: 'python3.12', ruby: 'ruby3.3', java: 'java17' };
const FAMILY_ALIASES: readonly [RegExp, RuntimeFamily][] = [
  [/^node/i, 'nodejs'],
  [/^py/i, 'python'],
  [/^(ruby|rb)/i, 'ruby'],
  [/^(java|jdk|jvm)/i, 'java'],
];

function guessFamily(text: string): RuntimeFamily | undefined {
  return FAMILY_ALIASES.find(([pattern]) => pattern.test(text))?.[1];
}

export function validateRuntime(raw: unknown, path: string, problems: Problems): RuntimeResult {
  const listFix = `use one of the documented runtimes: ${DOCUMENTED_LIST} (newer versions of these families, e.g. nodejs20 or python3.12, are accepted with a warning)`;
  if (raw === undefined || raw === null || raw === '') {
    problems.error(path, raw, 'runtime is required', `add a runtime, e.g. runtime: nodejs8.3 (documented runtimes: ${DOCUMENTED_LIST})`);
    return { name: '' };
  }
  if (typeof raw !== 'string') {
    problems.error(path, raw, 'runtime must be a runtime name such as nodejs8.3', listFix);
    return { name: renderValue(raw), family: undefined };
  }
  const name = raw.trim();
  const checked = checkRuntime(name);
  if (checked.ok) {
    if (!checked.documented) {
      const documented = documentedRuntimesOf(checked.family);
      problems.warn(
        path,
        raw,
        `runtime ${name} is not one of the documented ${checked.family} runtimes (${documented.join(', ')}); it is newer, so it is accepted, but the Spotinst cloud may reject it`,
        `keep it if your platform runs it; otherwise use ${documented.join(' or ')}`,
      );
    }
    return { name, family: checked.family };
  }
  const { reason } = checked;
  if (reason.kind === 'older' && reason.family) {
    problems.error(
      path,
      raw,
      `runtime ${name} ${reason.problem}`,
      `use ${documentedRuntimesOf(reason.family).join(' or ')} (documented runtimes: ${DOCUMENTED_LIST})`,
    );
    return { name, family: reason.family };
  }

  // Not a runtime: say what was probably meant. AWS Lambda style first: nodejs20.x, java8.al2.
  const awsStyle = /^(nodejs|python|ruby|java)(\d+(?:\.\d+)*)\.(x|al2|al2023)$/i.exec(name);
  if (awsStyle) {
    const suggestion = `${awsStyle[1].toLowerCase()}${awsStyle[2]}`;
    const suggested = parseRuntime(suggestion);
    const usable = suggested && compareVersions(suggested.version, oldestDocumentedVersion(suggested.family)) >= 0;
    problems.error(
      path,
      raw,
      `runtime ${name} is an AWS Lambda runtime name; Spotinst runtimes have no ".${awsStyle[3]}" suffix`,
      usable ? `use ${suggestion} (documented runtimes: ${DOCUMENTED_LIST})` : listFix,
    );
    return { name, family: suggested?.family };
  }

  const lower = name.toLowerCase();
  const lowerParsed = parseRuntime(lower);
  if (lower !== name && lowerParsed) {
    problems.error(path, raw, `runtime ${name} is not a runtime name: runtime names are lower case`, `use ${lower}`);
    return { name, family: lowerParsed.family };
  }

  const family = guessFamily(name);
  const near = closest(name, DOCUMENTED_RUNTIMES);
  problems.error(
    path,
    raw,
    `runtime ${name} ${reason.problem}`,
    near
      ? `did you mean ${near}? Documented runtimes: ${DOCUMENTED_LIST}`
      : family
        ? `use ${documentedRuntimesOf(family).join(' or ')}, or a newer ${family} version such as ${NEWER_EXAMPLE[family]} (documented runtimes: ${DOCUMENTED_LIST})`
        : listFix,
  );
  return { name, family };
}
