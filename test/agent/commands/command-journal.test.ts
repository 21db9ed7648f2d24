import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandExecutor } from '../../../agent/commands/executor.js';
import { CommandJournal } from '../../../agent/commands/command-journal.js';
import type { Extension } from '../../../agent/commands/types.js';
import { CleaningError } from '../../../common/errors.js';
import { bootStateStore } from '../../helpers/boot-state.js';
import { createTestLogger } from '../../helpers/logger.js';
import { defineCommand, noParams } from '../../../agent/commands/define-command.js';

describe('commands/command-journal', () => {
  let dir: string;
  let hold: () => void;
  const ext: Extension = {
    name: 'clean',
    commands: {
      get_clean_steps: defineCommand({ mode: 'sync', parse: noParams, run: async () => ({ clean_steps: {} }) }),
      execute_clean_step: defineCommand({
        mode: 'async',
        parse: noParams,
        run: async () => {
          await new Promise<void>((r) => {
            hold = r;
          });
          return { clean_result: null };
        },
      }),
      fail: defineCommand({
        mode: 'sync',
        parse: noParams,
        run: async () => {
          throw new CleaningError('disk on fire');
        },
      }),
    },
  };
  const { logger } = createTestLogger();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journal-'));
    hold = () => undefined;
  });
  afterEach(() => {
    hold();
    rmSync(dir, { recursive: true, force: true });
  });

  it('persists the history 0600 in a 0700 dir and restores it in the same boot', async () => {
    const state = join(dir, 'state');
    const journal = new CommandJournal(bootStateStore(state, 'boot-1'), logger);
    const executor = new CommandExecutor({ extensions: [ext], logger, observer: journal });
    const steps = await executor.execute('clean.get_clean_steps', {});
    await executor.execute('clean.fail', {});

    const restored = new CommandJournal(bootStateStore(state, 'boot-1'), logger).load(() => true);

    expect(readdirSync(join(state, 'commands'))).to.deep.equal(['0000000000.json', '0000000001.json']);
    expect(statSync(join(state, 'commands', '0000000000.json')).mode & 0o777).to.equal(0o600);
    expect(statSync(join(state, 'commands')).mode & 0o777).to.equal(0o700);
    expect(statSync(state).mode & 0o777).to.equal(0o700);
    expect(restored.finished.map((r) => r.toJSON())).to.deep.equal([
      steps.toJSON(),
      {
        ...restored.finished[1]?.toJSON(),
        command_status: 'FAILED',
        command_error: { type: 'CleaningError', code: 500, message: 'Clean step failed', details: 'disk on fire' },
      },
    ]);
    expect(restored.resume).to.equal(null);
  });

  it('returns an interrupted resumable step for resumption under the same id', async () => {
    const journal = new CommandJournal(bootStateStore(dir, 'boot-1'), logger);
    const executor = new CommandExecutor({ extensions: [ext], logger, observer: journal });
    const running = await executor.execute('clean.execute_clean_step', { step: { step: 'erase_devices_metadata' } });

    const restored = new CommandJournal(bootStateStore(dir, 'boot-1'), logger).load((name) => name.endsWith('_step'));

    expect(restored.resume).to.deep.equal({
      id: running.id,
      name: 'clean.execute_clean_step',
      params: { step: { step: 'erase_devices_metadata' } },
    });
    expect(restored.finished).to.have.length(0);
  });

  it('marks a non-resumable interrupted command FAILED', async () => {
    const executor = new CommandExecutor({
      extensions: [ext],
      logger,
      observer: new CommandJournal(bootStateStore(dir, 'boot-1'), logger),
    });
    await executor.execute('clean.execute_clean_step', {});

    const restored = new CommandJournal(bootStateStore(dir, 'boot-1'), logger).load(() => false);

    expect(restored.finished[0]?.toJSON()).to.deep.include({ command_status: 'FAILED' });
    expect(restored.finished[0]?.error?.details).to.equal('The agent process restarted while this command was running');
  });

  it('ignores the history of another boot and a corrupt document, and removes them as the restored list is kept', async () => {
    const executor = new CommandExecutor({
      extensions: [ext],
      logger,
      observer: new CommandJournal(bootStateStore(dir, 'boot-1'), logger),
    });
    const kept = await executor.execute('clean.get_clean_steps', {});
    await executor.execute('clean.get_clean_steps', {});
    writeFileSync(join(dir, 'commands', '0000000001.json'), '{not json');

    const restored = new CommandJournal(bootStateStore(dir, 'boot-1'), logger).load(() => true);

    expect(restored.finished.map((r) => r.id)).to.deep.equal([kept.id]);
    expect(readdirSync(join(dir, 'commands'))).to.deep.equal(['0000000000.json']);
    expect(new CommandJournal(bootStateStore(dir, 'boot-2'), logger).load(() => true).finished).to.have.length(0);
    expect(readdirSync(join(dir, 'commands'))).to.deep.equal([]);
  });

  it('keeps the history when the boot id cannot be read, and restores nothing', async () => {
    const executor = new CommandExecutor({
      extensions: [ext],
      logger,
      observer: new CommandJournal(bootStateStore(dir, 'boot-1'), logger),
    });
    await executor.execute('clean.get_clean_steps', {});
    const noBootId = (): string => {
      throw new Error('no /proc');
    };

    expect(new CommandJournal(bootStateStore(dir, noBootId), logger).load(() => true).finished).to.have.length(0);
    expect(readFileSync(join(dir, 'commands', '0000000000.json'), 'utf8')).to.match(/^\{"bootId":"boot-1"/);
  });

  it('persists every other command when one cannot be serialised, keeps that one as FAILED and logs it once', async () => {
    const { logger: quiet, memory } = createTestLogger();
    let deep: unknown = null;
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    const odd: Extension = {
      name: 'odd',
      commands: {
        deep: defineCommand({ mode: 'sync', parse: noParams, run: async () => deep }),
        fine: defineCommand({ mode: 'sync', parse: noParams, run: async () => 'ok' }),
      },
    };
    const executor = new CommandExecutor({
      extensions: [odd],
      logger: quiet,
      observer: new CommandJournal(bootStateStore(dir, 'boot-1'), quiet),
    });
    const bad = await executor.execute('odd.deep', {});
    await executor.execute('odd.fine', {});
    await executor.execute('odd.fine', {});

    const restored = new CommandJournal(bootStateStore(dir, 'boot-1'), quiet).load(() => true);

    expect(restored.finished.map((r) => [r.id, r.commandName, r.status])).to.deep.equal([
      [bad.id, 'deep', 'FAILED'],
      [executor.list()[1]?.id, 'fine', 'SUCCEEDED'],
      [executor.list()[2]?.id, 'fine', 'SUCCEEDED'],
    ]);
    expect(restored.finished[0]?.error?.details).to.match(/^The agent cannot serialise the result of this command: /);
    const warnings = memory.entries.filter((e) => e['level'] === 'warn');
    expect(warnings.map((e) => [e['message'], e['id']])).to.deep.equal([
      ['Could not persist one command of the history; it is kept as FAILED', bad.id],
    ]);
  });
});
