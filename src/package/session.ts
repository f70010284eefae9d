/**
 * One command's dealings with its service directory, held by the plugin from the package
 * hooks to the deploy hook (`deploy` runs `package` in the same process, with the same
 * plugin): the memory file, loaded once; the plugin's own packages kept out of the zips;
 * the zips of an unchanged service reused; every artifact checked right after packaging
 * (so `serverless package` reports what deploy would refuse) and said; and, for deploy,
 * the artifacts packaging checked, or a check then when packaging did not run here.
 */
import path from 'node:path';
import { serviceDirOf } from '../framework/options';
import type { PluginLog, ServerlessLike } from '../framework/serverless';
import type { FunctionModel, ServiceModel } from '../framework/service-model';
import { readArtifacts, type Artifact } from './artifacts';
import { ServiceMemory } from './memory';
import { artifactPathOf, assignJavaArtifacts, checkConfiguredArtifacts, configuredArtifact, preparePackageFunction } from './packaging';
import { pluginOnlyPackages } from './plugin-only';
import { recordArtifacts, reusePreviousArtifacts, type ReuseDecision } from './reuse';
import { packageTypescriptHandlers, type BundleOptions, type TypescriptArtifact } from './typescript';

interface PackageSettings {
  artifact?: string;
  individually?: boolean;
  patterns?: unknown[];
}

function packageOf(holder: { package?: PackageSettings } | undefined): PackageSettings | undefined {
  return holder?.package;
}

/** Adds patterns to a `package:` block, each once: a hook that runs twice adds nothing more. */
function addPatterns(holder: { package?: PackageSettings }, patterns: string[]): void {
  const settings = (holder.package ??= {});
  const current = Array.isArray(settings.patterns) ? settings.patterns : [];
  settings.patterns = [...current, ...patterns.filter((pattern) => !current.includes(pattern))];
}

/** `512 B`, `1.2 kB`, `3.4 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export class ServiceSession {
  private loaded?: ServiceMemory;
  private reuse?: ReuseDecision;
  /** the artifacts packaging checked in this process, by function name */
  private readonly checked = new Map<string, Artifact>();
  /** the TypeScript handlers bundled in this process, by function key */
  readonly bundles = new Map<string, TypescriptArtifact>();

  constructor(
    private readonly serverless: ServerlessLike,
    private readonly log: PluginLog,
    /** how TypeScript handlers are bundled (dev and invoke local point source maps at the files) */
    private readonly bundling: BundleOptions = {},
  ) {}

  private get serviceDir(): string {
    return serviceDirOf(this.serverless);
  }

  /** The memory file, read once for the whole command. */
  get memory(): ServiceMemory {
    return (this.loaded ??= ServiceMemory.load(this.serviceDir));
  }

  private functionDefinition(key: string): { package?: PackageSettings } | undefined {
    const definition = this.serverless.service.functions[key];
    return typeof definition === 'object' && definition !== null ? definition : undefined;
  }

  /**
   * Keeps the plugin, and the packages only it needs, out of the zips: patterns on the
   * service's `package`, and on the functions in `keys` (those zipped on their own, whose
   * patterns the packager applies after the service's).
   */
  private leavePluginOut(keys: string[]): void {
    const exclusion = pluginOnlyPackages(this.serviceDir);
    if (!exclusion || exclusion.patterns.length === 0) return;
    addPatterns(this.serverless.service, exclusion.patterns);
    for (const key of keys) {
      const definition = this.functionDefinition(key);
      if (definition) addPatterns(definition, exclusion.patterns);
    }
    this.log.verbose(`Left out of the artifacts, as only this plugin needs them: ${exclusion.excluded.join(', ')}.`);
    if (exclusion.shared.length > 0) {
      this.log.verbose(`Kept in, as the service's dependencies need them too: ${exclusion.shared.join(', ')}.`);
    }
  }

  /** Bundles the TypeScript handlers among `models`, each into its own zip, and says so. */
  async bundleTypescript(models: FunctionModel[]): Promise<TypescriptArtifact[]> {
    const made = await packageTypescriptHandlers(this.serverless, models, this.bundling);
    for (const bundle of made) {
      this.bundles.set(bundle.key, bundle);
      this.log.verbose(`functions.${bundle.key}: ${bundle.source} bundled with esbuild (${formatSize(bundle.size)}).`);
    }
    return made;
  }

  /** `before:package:createDeploymentArtifacts`: everything the packager needs settled first. */
  async beforePackage(service: ServiceModel): Promise<void> {
    checkConfiguredArtifacts(this.serverless, service);
    assignJavaArtifacts(this.serverless, service);
    // before the reuse check: the fingerprint covers the zips' paths, the files cover their content
    await this.bundleTypescript(service.functions);
    const individually = packageOf(this.serverless.service)?.individually === true;
    this.leavePluginOut(
      service.functions
        .map((model) => model.key)
        .filter((key) => {
          const own = packageOf(this.functionDefinition(key));
          return (individually || own?.individually === true) && !own?.artifact;
        }),
    );
    this.reuse = reusePreviousArtifacts(this.serverless, this.memory);
    if (this.reuse.reused) this.log.notice('Packaging skipped: no file changed since the last package, so its zips are reused.');
    else this.log.verbose(`Packaging: ${this.reuse.reason}.`);
  }

  /** `after:package:createDeploymentArtifacts`: check what was made, remember it, say it. */
  async afterPackage(service: ServiceModel, loud: boolean): Promise<void> {
    const models = service.functions.filter((model) => configuredArtifact(this.serverless, model.key) !== undefined);
    const artifacts = await this.check(models);
    if (this.reuse) {
      const hashes = new Map([...artifacts.values()].map((artifact) => [artifact.path, artifact.sha256]));
      recordArtifacts(this.serverless, this.reuse, this.memory, hashes);
    }
    this.memory.save();
    this.report(service, models, artifacts, loud);
  }

  /** `before:package:function:package` (`deploy function`): the same, for one function. */
  async beforePackageFunction(service: ServiceModel, key: string): Promise<void> {
    preparePackageFunction(this.serverless, key);
    checkConfiguredArtifacts(this.serverless, service, key);
    assignJavaArtifacts(this.serverless, service, key);
    await this.bundleTypescript(service.functions.filter((model) => model.key === key));
    this.leavePluginOut([key]);
  }

  /** `after:package:function:package`, which only `deploy function` runs: said with --verbose. */
  async afterPackageFunction(service: ServiceModel, key: string): Promise<void> {
    const models = service.functions.filter((model) => model.key === key);
    const artifacts = await this.check(models);
    this.memory.save();
    this.report(service, models, artifacts, false);
  }

  private async check(models: FunctionModel[]): Promise<Map<string, Artifact>> {
    const artifacts = await readArtifacts(models, (model) => artifactPathOf(this.serverless, model.key), this.memory);
    for (const [name, artifact] of artifacts) this.checked.set(name, artifact);
    return artifacts;
  }

  /**
   * The artifacts deploy uploads: those packaging checked in this process, and the others
   * (`deploy --package`, or a deploy hook run on its own) checked now. Either way every
   * problem is reported before any API call.
   */
  async artifactsFor(models: FunctionModel[]): Promise<Map<string, Artifact>> {
    const unchecked = models.filter((model) => !this.checked.has(model.name));
    if (unchecked.length > 0) {
      await this.check(unchecked);
      this.memory.save();
    }
    const artifacts = new Map<string, Artifact>();
    for (const model of models) {
      const artifact = this.checked.get(model.name);
      if (artifact) artifacts.set(model.name, artifact);
    }
    return artifacts;
  }

  /** Each artifact, its size and its functions; on stderr, and only with --verbose unless `loud`. */
  private report(service: ServiceModel, models: FunctionModel[], artifacts: Map<string, Artifact>, loud: boolean): void {
    const byPath = new Map<string, { artifact: Artifact; keys: string[] }>();
    for (const model of models) {
      const artifact = artifacts.get(model.name);
      if (!artifact) continue;
      const entry = byPath.get(artifact.path) ?? { artifact, keys: [] };
      entry.keys.push(model.key);
      byPath.set(artifact.path, entry);
    }
    if (byPath.size === 0) return;
    const made = path.join(this.serviceDir, '.serverless');
    const rows = [...byPath.values()].map(({ artifact, keys }) => {
      const where = path.relative(this.serviceDir, artifact.path);
      const zippedHere = path.dirname(artifact.path) === made;
      const note = !zippedHere ? ' (package.artifact, not zipped here)' : this.reuse?.reused ? ' (reused, unchanged)' : '';
      return { where, size: formatSize(artifact.size), detail: `${keys.join(', ')}${note}` };
    });
    const width = Math.max(...rows.map((row) => row.where.length));
    const sizeWidth = Math.max(...rows.map((row) => row.size.length));
    const lines = rows.map((row) => `  ${row.where.padEnd(width)}  ${row.size.padStart(sizeWidth)}  ${row.detail}`);
    const summary = `Service ${service.service} packaged: ${plural(rows.length, 'artifact')}.`;
    if (loud) {
      this.log.notice(lines.join('\n'));
      this.log.success(summary);
    } else {
      this.log.verbose([summary, ...lines].join('\n'));
    }
  }
}
