import { checkRuntime, checkWireRuntime, DOCUMENTED_RUNTIMES, toApiRuntime } from '../../../src/spec/runtimes';

describe('runtime rules', () => {
  it.each(DOCUMENTED_RUNTIMES.map((name) => [name]))('%s is documented, in both forms', (name) => {
    expect(checkRuntime(name)).toMatchObject({ ok: true, documented: true });
    expect(checkWireRuntime(toApiRuntime(name))).toMatchObject({ ok: true, documented: true });
  });

  it.each(['nodejs20', 'python3.12', 'ruby3.3', 'java17'])('%s is newer than the documented ones: accepted', (name) => {
    expect(checkRuntime(name)).toMatchObject({ ok: true, documented: false });
  });

  it.each([
    ['nodejs4.3', 'nodejs', 'nodejs4.8'],
    ['java7', 'java', 'java8'],
    ['python2.6', 'python', 'python2.7'],
  ])('%s is older than the oldest of its family', (name, family, nearest) => {
    expect(checkRuntime(name)).toEqual({
      ok: false,
      reason: {
        kind: 'older',
        family,
        nearest,
        problem: `is older than the oldest ${family} runtime Spotinst Functions had (${nearest})`,
      },
    });
  });

  it.each(['go1.x', 'NodeJS8.3', 'nodejs20.x', 'cobol85', ''])('%j is not a runtime', (name) => {
    const checked = checkRuntime(name);
    expect(checked).toMatchObject({ ok: false, reason: { kind: 'not-a-runtime' } });
    if (!checked.ok) expect(checked.reason.problem).toBe('is not a runtime Spotinst Functions runs (families: nodejs, python, ruby, java)');
  });

  it('the wire form has no dots', () => {
    expect(checkWireRuntime('nodejs8.3')).toEqual({
      ok: false,
      reason: {
        kind: 'dotted-wire-name',
        family: 'nodejs',
        nearest: 'nodejs83',
        problem: 'must be sent without dots (e.g. nodejs8.3 → nodejs83)',
      },
    });
    expect(checkWireRuntime('java7')).toMatchObject({ ok: false, reason: { kind: 'older' } });
  });
});
