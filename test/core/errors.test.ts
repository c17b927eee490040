import { GuardrailsError, Libk8sError } from 'libk8s';

/** A second copy of libk8s, as a program's own node_modules or a platform package would load it. */
function otherCopy(): typeof import('libk8s') {
  let lib: typeof import('libk8s') | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    lib = require('libk8s');
  });
  return lib!;
}

describe('errors are recognised by class, also across two copies of libk8s', () => {
  const other = otherCopy();
  const problem = { kind: 'App', id: 'shop', path: 'shop', message: 'is wrong' };

  test('the second copy really is another module instance', () => {
    expect(other.Libk8sError).not.toBe(Libk8sError);
  });

  test("a Libk8sError of the other copy is an instance of this copy's class, and keeps its problems", () => {
    const e: unknown = new other.Libk8sError([problem]);
    expect(e instanceof Libk8sError).toBe(true);
    expect((e as Libk8sError).problems).toEqual([problem]);
  });

  test('a GuardrailsError of the other copy is an instance of GuardrailsError, not of Libk8sError', () => {
    const e: unknown = new other.GuardrailsError([], []);
    expect(e instanceof GuardrailsError).toBe(true);
    expect(e instanceof Libk8sError).toBe(false);
  });

  test('other errors are not, whatever their name says', () => {
    const named = Object.assign(new Error('x'), { name: 'Libk8sError', problems: [] });
    expect(named instanceof Libk8sError).toBe(false);
    const nothing: unknown = null;
    expect(nothing instanceof Libk8sError).toBe(false);
  });

  test('a subclass keeps the ordinary instanceof', () => {
    class PlatformError extends Libk8sError {}
    expect(new PlatformError([problem]) instanceof PlatformError).toBe(true);
    expect(new PlatformError([problem]) instanceof Libk8sError).toBe(true);
    expect(new Libk8sError([problem]) instanceof PlatformError).toBe(false);
  });
});
