import { expect } from 'chai';
import { defineCommand, isObject, noParams } from '../../../agent/commands/define-command.js';
import { InvalidCommandParamsError } from '../../../common/errors.js';

describe('commands/define-command', () => {
  const context = { progress: () => undefined };

  it('parses when prepared and runs with the parsed params', async () => {
    const seen: number[] = [];
    const command = defineCommand({
      mode: 'sync',
      parse: (raw) => ({ n: Number(raw['n']) }),
      run: async ({ n }) => {
        seen.push(n);
        return n * 2;
      },
    });

    const run = command.prepare({ n: '21' });

    expect(seen).to.deep.equal([]);
    expect(await run(context)).to.equal(42);
    expect(seen).to.deep.equal([21]);
  });

  it('a parse failure is thrown by prepare, before anything runs', () => {
    let ran = false;
    const command = defineCommand({
      mode: 'async',
      parse: () => {
        throw new InvalidCommandParamsError('bad');
      },
      run: async () => {
        ran = true;
      },
    });

    expect(() => command.prepare({})).to.throw(InvalidCommandParamsError, 'bad');
    expect(ran).to.equal(false);
  });

  it('keeps the mode; resumable only when the spec says so', () => {
    const plain = defineCommand({ mode: 'async', parse: noParams, run: async () => null });
    const resumable = defineCommand({ mode: 'async', parse: noParams, run: async () => null, resumable: true });

    expect([plain.mode, plain.resumable, resumable.resumable]).to.deep.equal(['async', false, true]);
  });

  it('noParams ignores whatever was sent', () => {
    expect(noParams({ anything: 1 })).to.equal(undefined);
  });

  describe('isObject', () => {
    const table: Array<[unknown, boolean]> = [
      [{}, true],
      [{ a: 1 }, true],
      [[], false],
      [null, false],
      [undefined, false],
      ['x', false],
      [1, false],
    ];
    for (const [value, expected] of table)
      it(`${JSON.stringify(value) ?? 'undefined'} → ${String(expected)}`, () =>
        expect(isObject(value)).to.equal(expected));
  });
});
