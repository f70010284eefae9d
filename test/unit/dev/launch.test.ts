/** Taking `serverless dev` back from the CLIs' rewrite into `--dev`. */
import path from 'node:path';
import { reclaimDevCommand } from '../../../src/dev/launch';
import { cliEntry } from '../../helpers/cli';

describe('serverless dev, rewritten by the CLI', () => {
  it('on osls, puts the command back so the framework runs it in this process', () => {
    const argv = [process.execPath, cliEntry('osls'), '--dev', '--inspect'];
    expect(reclaimDevCommand(argv)).toBe('in-process');
    expect(argv).toEqual([process.execPath, cliEntry('osls'), 'dev', '--inspect']);
  });

  it('on serverless 3, which has decided on its onboarding by then, runs it in a child', () => {
    const argv = [process.execPath, cliEntry('serverless'), '--dev'];
    expect(reclaimDevCommand(argv)).toBe('child');
    expect(argv[2]).toBe('--dev');
  });

  it('leaves every other command alone', () => {
    const argv = [process.execPath, path.join('bin', 'serverless.js'), 'deploy', '--dev'];
    expect(reclaimDevCommand(argv)).toBe('none');
    expect(argv[2]).toBe('deploy');
  });
});
