/** What `info` (and a deploy) prints for endpoints: where they answer, or what they lack. */
import { renderInfo, type DeployedService } from '../../../src/remote/render';
import type { Pattern, SpotinstFunction } from '../../../src/spec/wire';
import { functionModel, serviceModel } from '../../helpers/command-context';

const fn: SpotinstFunction = {
  id: 'fx-1',
  name: 'hello',
  environmentId: 'env-1',
  runtime: 'nodejs8.3',
  access: 'public',
  limits: { memory: 128, timeout: 30 },
  latestVersion: 0,
  activeVersions: [{ version: '$LATEST', percentage: 100 }],
  url: 'https://fx-1.example.test',
};
const patterns: Pattern[] = [
  { id: 'pat-1', environmentId: 'env-1', functionId: 'fx-1', pattern: '/hello', method: 'GET' },
  { id: 'pat-2', environmentId: 'env-1', functionId: 'fx-1', pattern: '/hello/*', method: 'ALL' },
];

function deployed(overrides: Partial<DeployedService>): DeployedService {
  return { service: serviceModel([functionModel('hello')]), environmentId: 'env-1', functions: [fn], jobs: [], patterns, ...overrides };
}

const endpointLines = (lines: string[]): string[] => lines.filter((text) => text.includes('endpoint:'));

describe('renderInfo: endpoints', () => {
  it('shows the URL under the alias host on the cloud API', () => {
    const lines = renderInfo(deployed({ aliasHost: 'api.example.com', apiUrl: 'https://api.spotinst.io' }));
    expect(endpointLines(lines)).toEqual([
      '    endpoint: GET /hello → http://api.example.com/hello',
      '    endpoint: ALL /hello/* → http://api.example.com/hello/*',
    ]);
    expect(lines.join('\n')).not.toContain('provider.spotinst.alias');
  });

  it('adds the /alias/<host> form on spotinst-local', () => {
    const lines = renderInfo(deployed({ aliasHost: 'api.example.com', apiUrl: 'http://127.0.0.1:7711/' }));
    expect(endpointLines(lines)[0]).toBe(
      '    endpoint: GET /hello → http://api.example.com/hello (on spotinst-local: http://127.0.0.1:7711/alias/api.example.com/hello)',
    );
  });

  it('without an alias, says the endpoints cannot be reached and, once, how to set one', () => {
    const lines = renderInfo(deployed({ apiUrl: 'http://127.0.0.1:7711' }));
    expect(endpointLines(lines)).toEqual([
      '    endpoint: GET /hello (unreachable: no provider.spotinst.alias)',
      '    endpoint: ALL /hello/* (unreachable: no provider.spotinst.alias)',
    ]);
    expect(lines.filter((text) => text.includes('Add it under provider.spotinst'))).toHaveLength(1);
    // a service without endpoints needs no alias and gets no hint
    expect(renderInfo(deployed({ patterns: [] })).join('\n')).not.toContain('provider.spotinst.alias');
  });
});
