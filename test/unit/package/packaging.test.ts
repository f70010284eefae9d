/** A package.artifact that names no file stops packaging with a message that says what to do. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkConfiguredArtifacts } from '../../../src/package/packaging';
import { SpotinstError } from '../../../src/framework/errors';
import { fakeServerless, functionModel, serviceModel } from '../../helpers/command-context';

describe('checkConfiguredArtifacts', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-packaging-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const service = serviceModel([functionModel('hello'), functionModel('world'), functionModel('solo')]);

  function check(functions: Record<string, unknown>, servicePackage?: Record<string, unknown>, only?: string): SpotinstError | undefined {
    const serverless = fakeServerless({ serviceDir: dir, service: 'svc', functions, package: servicePackage });
    try {
      checkConfiguredArtifacts(serverless, service, only);
      return undefined;
    } catch (error) {
      if (error instanceof SpotinstError) return error;
      throw error;
    }
  }

  it('accepts artifacts that exist, and functions the packager zips', () => {
    fs.writeFileSync(path.join(dir, 'hello.zip'), 'zip');
    expect(check({ hello: { package: { artifact: 'hello.zip' } }, world: {}, solo: {} })).toBeUndefined();
  });

  it('names the key, the value, the file and the fix; a service artifact shared by functions once', () => {
    const error = check(
      { hello: { package: { artifact: 'build/hello.zip' } }, world: {}, solo: { package: { individually: true } } },
      { artifact: 'build/service.zip' },
    );
    expect(error?.code).toBe('SPOTINST_ARTIFACT_MISSING');
    expect(error?.message.split('\n')).toEqual([
      `functions.hello.package.artifact is build/hello.zip, but ${path.join(dir, 'build', 'hello.zip')} does not exist.`,
      `package.artifact is build/service.zip, but ${path.join(dir, 'build', 'service.zip')} does not exist.`,
      'Build that file first, or fix the path (it is relative to the service directory); without package.artifact, serverless packages the code itself.',
    ]);
  });

  it('refuses a directory named as the artifact', () => {
    fs.mkdirSync(path.join(dir, 'build'));
    const error = check({ hello: { package: { artifact: 'build' } }, world: {}, solo: {} });
    expect(error?.code).toBe('SPOTINST_ARTIFACT_MISSING');
    expect(error?.message).toContain(
      `functions.hello.package.artifact is build, but ${path.join(dir, 'build')} is a directory, not a zip or jar.`,
    );
  });

  it('checks only the function deploy function packages', () => {
    const functions = { hello: { package: { artifact: 'missing.zip' } }, world: {}, solo: {} };
    expect(check(functions, undefined, 'world')).toBeUndefined();
    expect(check(functions, undefined, 'hello')?.code).toBe('SPOTINST_ARTIFACT_MISSING');
  });
});
