/**
 * Where each function's artifact comes from. The framework's packager zips node, python
 * and ruby code; java functions upload the jar the user built (`target/<service>.jar`, as
 * in plugin 1.x) unless `package.artifact` names another, so the packager is told to
 * leave them alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SpotinstError } from '../errors';
import { runtimeFamily } from '../runtimes/catalog';
import type { ServiceModel } from '../provider/model';
import type { ServerlessLike } from '../plugin/serverless-types';

interface PackageConfig {
  artifact?: string;
  individually?: boolean;
}

function packageOf(serverless: ServerlessLike, key: string): PackageConfig {
  const definition = serverless.service.functions[key] as { package?: PackageConfig } | undefined;
  return definition?.package ?? {};
}

/**
 * The core's `packageFunction` records the artifact on `functions.<key>.package`, but on a
 * throw-away object when that key is absent; making it present keeps the result.
 */
export function preparePackageFunction(serverless: ServerlessLike, key: string): void {
  const definition = serverless.service.functions[key] as { package?: PackageConfig } | undefined;
  if (definition && !definition.package) definition.package = {};
}

/** The jar a java function uploads when nothing else is configured. */
export function defaultJarPath(service: ServiceModel): string {
  return path.join('target', `${service.service}.jar`);
}

/**
 * Points each java function without an artifact at its jar, before the packager runs, and
 * fails (before any zip or API call) when that jar has not been built.
 */
export function assignJavaArtifacts(serverless: ServerlessLike, service: ServiceModel, only?: string): void {
  const serviceDir = serverless.serviceDir ?? process.cwd();
  const missing: string[] = [];
  for (const model of service.functions) {
    if (only !== undefined && model.key !== only) continue;
    if (runtimeFamily(model.runtime) !== 'java') continue;
    const own = packageOf(serverless, model.key);
    const serviceArtifact = serverless.service.package?.artifact;
    if (own.artifact || (serviceArtifact && !own.individually)) continue;
    const jar = defaultJarPath(service);
    if (!fs.existsSync(path.resolve(serviceDir, jar))) {
      missing.push(`functions.${model.key} (${model.runtime}) uploads ${jar}, which does not exist.`);
      continue;
    }
    const definition = serverless.service.functions[model.key] as { package?: PackageConfig };
    definition.package = { ...own, artifact: jar };
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
  const serviceDir = serverless.serviceDir ?? process.cwd();
  const own = packageOf(serverless, key);
  const file = own.artifact ?? serverless.service.package?.artifact;
  if (!file) {
    throw new SpotinstError(
      `functions.${key} has no artifact: packaging did not run or was disabled (package.disable). ` +
        'Remove package.disable, or set package.artifact.',
      'SPOTINST_ARTIFACT_MISSING',
    );
  }
  return path.resolve(serviceDir, file);
}
