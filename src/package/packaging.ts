/**
 * Where each function's artifact comes from. The framework's packager zips node, python
 * and ruby code; java functions upload the jar the user built (`target/<service>.jar`, as
 * in plugin 1.x) unless `package.artifact` names another, so the packager is told to
 * leave them alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SpotinstError } from '../framework/errors';
import { serviceDirOf } from '../framework/options';
import { runtimeFamily } from '../spec/runtimes';
import type { ServiceModel } from '../framework/service-model';
import type { ServerlessLike } from '../framework/serverless';

interface PackageConfig {
  artifact?: string;
  individually?: boolean;
}

function packageOf(definition: unknown): PackageConfig {
  if (typeof definition !== 'object' || definition === null) return {};
  const pkg = (definition as { package?: unknown }).package;
  return typeof pkg === 'object' && pkg !== null ? pkg : {};
}

function named(artifact: unknown): string | undefined {
  return typeof artifact === 'string' && artifact !== '' ? artifact : undefined;
}

/**
 * The artifact the configuration names for a function, with the key that names it: its
 * own `package.artifact`, else the service's unless the function is packaged individually.
 * Deploy uploads it and `invoke local` runs it, so both ask here.
 */
export function configuredArtifact(
  serverless: Pick<ServerlessLike, 'service'>,
  key: string,
): { key: string; artifact: string } | undefined {
  const own = packageOf(serverless.service.functions?.[key]);
  const ownArtifact = named(own.artifact);
  if (ownArtifact) return { key: `functions.${key}.package.artifact`, artifact: ownArtifact };
  const serviceArtifact = own.individually ? undefined : named(serverless.service.package?.artifact);
  return serviceArtifact ? { key: 'package.artifact', artifact: serviceArtifact } : undefined;
}

/**
 * The core's `packageFunction` records the artifact on `functions.<key>.package`, but on a
 * throw-away object when that key is absent; making it present keeps the result.
 */
export function preparePackageFunction(serverless: ServerlessLike, key: string): void {
  const definition = serverless.service.functions[key] as { package?: PackageConfig } | undefined;
  if (definition && !definition.package) definition.package = {};
}

/**
 * Fails, before the packager runs, when a `package.artifact` names a file that is not there
 * (or a directory): the packager's own message ("Cannot access package artifact … ENOENT")
 * says nothing of what to do.
 */
export function checkConfiguredArtifacts(serverless: ServerlessLike, service: ServiceModel, only?: string): void {
  const serviceDir = serviceDirOf(serverless);
  const missing = new Set<string>();
  for (const model of service.functions) {
    if (only !== undefined && model.key !== only) continue;
    const configured = configuredArtifact(serverless, model.key);
    if (!configured) continue;
    const file = path.resolve(serviceDir, configured.artifact);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) missing.add(`${configured.key} is ${configured.artifact}, but ${file} does not exist.`);
    else if (!stat.isFile())
      missing.add(
        `${configured.key} is ${configured.artifact}, but ${file} is ${stat.isDirectory() ? 'a directory' : 'not a regular file'}, not a zip or jar.`,
      );
  }
  if (missing.size > 0) {
    throw new SpotinstError(
      `${[...missing].join('\n')}\nBuild that file first, or fix the path (it is relative to the service directory); ` +
        'without package.artifact, serverless packages the code itself.',
      'SPOTINST_ARTIFACT_MISSING',
    );
  }
}

/** The jar a java function uploads when nothing else is configured (as plugin 1.x did). */
export function defaultJarPath(serviceName: string): string {
  return path.join('target', `${serviceName}.jar`);
}

/**
 * Points each java function without an artifact at its jar, before the packager runs, and
 * fails (before any zip or API call) when that jar has not been built.
 */
export function assignJavaArtifacts(serverless: ServerlessLike, service: ServiceModel, only?: string): void {
  const serviceDir = serviceDirOf(serverless);
  const missing: string[] = [];
  for (const model of service.functions) {
    if (only !== undefined && model.key !== only) continue;
    if (runtimeFamily(model.runtime) !== 'java') continue;
    if (configuredArtifact(serverless, model.key)) continue;
    const jar = defaultJarPath(service.service);
    if (!fs.existsSync(path.resolve(serviceDir, jar))) {
      missing.push(`functions.${model.key} (${model.runtime}) uploads ${jar}, which does not exist.`);
      continue;
    }
    const definition = serverless.service.functions[model.key] as { package?: PackageConfig };
    definition.package = { ...definition.package, artifact: jar };
  }
  if (missing.length > 0) {
    throw new SpotinstError(
      `${missing.join('\n')}\nBuild the jar first: \`sh build.sh\` (javac + jar) or \`mvn package\`, as node_modules/serverless-spotinst-functions/templates/spotinst-java8/README.md shows; ` +
        'or set package.artifact to the jar to upload.',
      'SPOTINST_JAR_MISSING',
    );
  }
}

/** The artifact file the packager produced (or the user named) for a function, absolute. */
export function artifactPathOf(serverless: ServerlessLike, key: string): string {
  const serviceDir = serviceDirOf(serverless);
  const file = configuredArtifact(serverless, key)?.artifact;
  if (!file) {
    throw new SpotinstError(
      `functions.${key} has no artifact: packaging did not run or was disabled (package.disable). ` +
        'Remove package.disable, or set package.artifact.',
      'SPOTINST_ARTIFACT_MISSING',
    );
  }
  return path.resolve(serviceDir, file);
}
