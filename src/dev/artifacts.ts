/**
 * Packaging again after a save, only what the save touched. The first package of a dev
 * session (and the one after serverless.yml changes) is the framework's whole `package`
 * lifecycle, exactly as `deploy` runs it. From it this module learns where each function's
 * artifact comes from:
 *
 * - a zip the framework made (the service's, or the function's own when packaged
 *   individually) and the files the packager put in it, by the packager's own patterns
 *   (its `resolveFilePaths…`), dev dependencies and the plugin left out as `package` does;
 * - a TypeScript bundle and the files esbuild read for it;
 * - a file the configuration names (`package.artifact`, a java jar).
 *
 * After a save, an artifact is made again only when a file it was made from changed: the
 * framework's packager zips that one zip again (its zips are deterministic, so the other
 * functions keep their hash and the plan leaves them alone), esbuild bundles that one
 * handler again. A file added or removed makes the file lists be read again. When the
 * framework's packager cannot be reached this way, the whole `package` runs again.
 */
import path from 'node:path';
import { serviceDirOf } from '../framework/options';
import type { ServerlessLike } from '../framework/serverless';
import type { FunctionModel } from '../framework/service-model';
import { readArtifacts, type Artifact } from '../package/artifacts';
import { artifactPathOf } from '../package/packaging';
import type { ServiceSession } from '../package/session';
import { packageTypescriptHandlers } from '../package/typescript';

/** The framework's core Package plugin, as far as dev uses it (the same in serverless 3 and osls). */
export interface FrameworkPackager {
  resolveFilePathsAll(): Promise<string[]>;
  resolveFilePathsFunction(functionName: string): Promise<string[]>;
  zipFiles(files: string[], zipFileName: string): Promise<string>;
}

function isFrameworkPackager(plugin: unknown): plugin is FrameworkPackager {
  if (typeof plugin !== 'object' || plugin === null) return false;
  const candidate = plugin as Partial<Record<keyof FrameworkPackager, unknown>>;
  return (
    typeof candidate.resolveFilePathsAll === 'function' &&
    typeof candidate.resolveFilePathsFunction === 'function' &&
    typeof candidate.zipFiles === 'function'
  );
}

/** The framework's packager, found among its loaded plugins; undefined when it is not there as expected. */
export function findFrameworkPackager(serverless: ServerlessLike): FrameworkPackager | undefined {
  const plugins = (serverless.pluginManager as { plugins?: unknown }).plugins;
  if (!Array.isArray(plugins)) return undefined;
  return (plugins as unknown[]).find(
    (plugin): plugin is FrameworkPackager =>
      (plugin as { constructor?: { name?: string } }).constructor?.name === 'Package' && isFrameworkPackager(plugin),
  );
}

type Source =
  /** a zip the framework's packager makes: `scope` is 'service' or the function's key */
  | { kind: 'zip'; zipName: string; scope: string; files: Set<string>; keys: string[] }
  | { kind: 'typescript'; key: string; inputs: Set<string>; failed: boolean }
  | { kind: 'file'; file: string; keys: string[] };

interface PackageConfig {
  individually?: boolean;
  artifact?: string;
}

function packageOf(holder: unknown): PackageConfig {
  if (typeof holder !== 'object' || holder === null) return {};
  const settings = (holder as { package?: unknown }).package;
  return typeof settings === 'object' && settings !== null ? settings : {};
}

/** What changed on disk since the last cycle: paths absolute. */
export interface Changes {
  files: Set<string>;
  /** a file or directory was added or removed: the packager's file lists may have changed */
  structural: boolean;
}

export interface Repackaged {
  /** the artifact of every function, by remote name */
  artifacts: Map<string, Artifact>;
  /** keys of the functions whose artifact was made again */
  rebuilt: string[];
}

export class DevArtifacts {
  private sources: Source[] = [];
  private artifacts = new Map<string, Artifact>();
  private models: FunctionModel[] = [];

  constructor(
    private readonly serverless: ServerlessLike,
    private readonly packager: FrameworkPackager | undefined,
  ) {}

  private get serviceDir(): string {
    return serviceDirOf(this.serverless);
  }

  /** Whether saves can be packaged one artifact at a time (else each runs the whole `package`). */
  get incremental(): boolean {
    return this.packager !== undefined;
  }

  /**
   * After the framework's whole `package` (run by the caller into `session`): the checked
   * artifacts of every function, and where each comes from.
   */
  async afterFullPackage(models: FunctionModel[], session: ServiceSession): Promise<Map<string, Artifact>> {
    this.models = models;
    this.artifacts = await session.artifactsFor(models);
    this.sources = await this.findSources(models, session);
    return new Map(this.artifacts);
  }

  private async findSources(models: FunctionModel[], session: ServiceSession): Promise<Source[]> {
    const sources: Source[] = [];
    const outputDir = path.join(this.serviceDir, '.serverless');
    const serviceZip = `${this.serverless.service.service}.zip`;
    const shared: string[] = [];
    for (const model of models) {
      const bundle = session.bundles.get(model.key);
      if (bundle) {
        sources.push({ kind: 'typescript', key: model.key, inputs: new Set(bundle.inputs), failed: false });
        continue;
      }
      const file = artifactPathOf(this.serverless, model.key);
      const individually =
        this.serverless.service.package?.individually === true ||
        packageOf(this.serverless.service.functions[model.key]).individually === true;
      if (path.dirname(file) === outputDir && path.basename(file) === `${model.key}.zip` && individually) {
        sources.push({ kind: 'zip', zipName: `${model.key}.zip`, scope: model.key, files: new Set(), keys: [model.key] });
      } else if (path.dirname(file) === outputDir && path.basename(file) === serviceZip && !individually) {
        shared.push(model.key);
      } else {
        const known = sources.find((source): source is Extract<Source, { kind: 'file' }> => source.kind === 'file' && source.file === file);
        if (known) known.keys.push(model.key);
        else sources.push({ kind: 'file', file, keys: [model.key] });
      }
    }
    if (shared.length > 0) sources.push({ kind: 'zip', zipName: serviceZip, scope: 'service', files: new Set(), keys: shared });
    await this.listFiles(sources);
    return sources;
  }

  /** Reads each zip's file list by the packager's patterns; returns the zips whose list changed. */
  private async listFiles(sources: Source[]): Promise<Set<Source>> {
    const changed = new Set<Source>();
    const packager = this.packager;
    if (!packager) return changed;
    await Promise.all(
      sources.map(async (source) => {
        if (source.kind !== 'zip') return;
        const listed =
          source.scope === 'service' ? await packager.resolveFilePathsAll() : await packager.resolveFilePathsFunction(source.scope);
        const files = new Set(listed.map((file) => path.resolve(this.serviceDir, file)));
        if (files.size !== source.files.size || [...files].some((file) => !source.files.has(file))) changed.add(source);
        source.files = files;
      }),
    );
    return changed;
  }

  /** Whether a changed path is something an artifact is made from. */
  concerns(file: string): boolean {
    return this.sources.some((source) => {
      if (source.kind === 'zip') return source.files.has(file);
      if (source.kind === 'typescript') return source.failed || source.inputs.has(file);
      return source.file === file;
    });
  }

  /**
   * Makes again the artifacts a change touched and checks them; the others are the ones of
   * the last cycle. Rejects as packaging would (a handler that does not build, an artifact
   * without its handler); the last good artifacts stay.
   */
  async repackage(changes: Changes, session: ServiceSession): Promise<Repackaged> {
    const touched = new Set<Source>(changes.structural ? await this.listFiles(this.sources) : []);
    for (const source of this.sources) {
      const hit =
        source.kind === 'zip'
          ? [...changes.files].some((file) => source.files.has(file))
          : source.kind === 'typescript'
            ? source.failed || [...changes.files].some((file) => source.inputs.has(file))
            : changes.files.has(source.file);
      if (hit) touched.add(source);
    }
    const rebuilt: string[] = [];
    const packager = this.packager;
    await Promise.all(
      [...touched].map(async (source) => {
        if (source.kind === 'zip' && packager) {
          await packager.zipFiles(
            [...source.files].map((file) => path.relative(this.serviceDir, file)),
            source.zipName,
          );
          rebuilt.push(...source.keys);
        } else if (source.kind === 'typescript') {
          const model = this.models.find((candidate) => candidate.key === source.key);
          if (!model) return;
          // the zip it made is its package.artifact now: cleared, or the bundler would leave it alone
          const definition = this.serverless.service.functions[source.key] as { package?: PackageConfig };
          const previous = definition.package?.artifact;
          if (definition.package) delete definition.package.artifact;
          try {
            const [bundle] = await packageTypescriptHandlers(this.serverless, [model], { absoluteSources: true });
            source.failed = false;
            if (bundle) source.inputs = new Set(bundle.inputs);
          } catch (error) {
            source.failed = true;
            // the last good bundle keeps serving
            definition.package = { ...definition.package, artifact: previous };
            throw error;
          }
          rebuilt.push(source.key);
        } else if (source.kind === 'file') {
          rebuilt.push(...source.keys);
        }
      }),
    );
    const models = this.models.filter((model) => rebuilt.includes(model.key));
    if (models.length > 0) {
      const fresh = await readArtifacts(models, (model) => artifactPathOf(this.serverless, model.key), session.memory);
      for (const [name, artifact] of fresh) this.artifacts.set(name, artifact);
    }
    return { artifacts: new Map(this.artifacts), rebuilt };
  }
}
