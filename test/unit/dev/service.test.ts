/** Reading serverless.yml again: the print command that reproduces this command's view, and the names the file wrote. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asWritten, namesWritten, printArguments } from '../../../src/dev/service';

describe("dev's re-read of serverless.yml", () => {
  it('asks print for JSON with the options that shape the configuration', () => {
    expect(printArguments({ stage: 'prod', param: ['a=1', 'b=2'], inspect: true, verbose: true })).toEqual([
      'print',
      '--format',
      'json',
      '--stage',
      'prod',
      '--param',
      'a=1',
      '--param',
      'b=2',
    ]);
  });

  describe('names', () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-names-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    // print fills in every function's name; the remote name is the key unless the file wrote one
    const printed = {
      service: 'shop',
      functions: {
        hello: { handler: 'hello.main', name: 'shop-dev-hello' },
        legacy: { handler: 'legacy.main', name: 'old-name' },
        same: { handler: 'same.main', name: 'shop-dev-same' },
      },
    };

    it('keeps only the names the file writes', () => {
      const file = path.join(dir, 'serverless.yml');
      fs.writeFileSync(
        file,
        'service: shop\nfunctions:\n  hello: {handler: hello.main}\n  legacy: {handler: legacy.main, name: old-name}\n  same: {handler: same.main, name: shop-dev-same}\n',
      );
      const written = namesWritten(file, printed, 'dev');
      expect([...written].sort()).toEqual(['legacy', 'same']);
      expect(asWritten(printed, written).functions).toEqual({
        hello: { handler: 'hello.main' },
        legacy: { handler: 'legacy.main', name: 'old-name' },
        same: { handler: 'same.main', name: 'shop-dev-same' },
      });
    });

    it("without a readable YAML file, takes the framework's default name for none written", () => {
      const file = path.join(dir, 'serverless.yml');
      fs.writeFileSync(file, 'service: shop\nresources: !Ref Something\n');
      expect([...namesWritten(file, printed, 'dev')]).toEqual(['legacy']);
      expect([...namesWritten(path.join(dir, 'serverless.ts'), printed, 'dev')]).toEqual(['legacy']);
    });
  });
});
