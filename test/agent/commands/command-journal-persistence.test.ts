import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandExecutor } from '../../../agent/commands/executor.js';
import { CommandJournal, type RestoredHistory } from '../../../agent/commands/command-journal.js';
import { CommandResult } from '../../../agent/commands/command-result.js';
import type { Extension } from '../../../agent/commands/types.js';
import { CommandExecutionError } from '../../../common/errors.js';
import { NodeStateFs, type StateFs } from '../../../common/state/state-fs.js';
import { bootStateStore } from '../../helpers/boot-state.js';
import { createTestLogger } from '../../helpers/logger.js';
import { defineCommand, noParams } from '../../../agent/commands/define-command.js';

/** node:fs, counting the documents written and their sizes. */
class CountingFs extends NodeStateFs {
  readonly sizes: number[] = [];
  override writeNewFile(path: string, data: string, mode: number): void {
    this.sizes.push(data.length);
    super.writeNewFile(path, data, mode);
  }
}

/** Once `dying`, the process "dies" at the rename: the temporary file is written and flushed, nothing is cleaned up. */
class CrashAtRename extends NodeStateFs {
  constructor(private dying = true) {
    super();
  }
  die(): void {
    this.dying = true;
  }
  override rename(from: string, to: string): void {
    if (this.dying) throw new Error('crash');
    super.rename(from, to);
  }
  override remove(path: string): void {
    if (!this.dying) super.remove(path);
  }
}

describe('commands/command-journal persistence across restarts', () => {
  let dir: string;
  let hold: () => void;
  const ext: Extension = {
    name: 'clean',
    commands: {
      get_clean_steps: defineCommand({ mode: 'sync', parse: noParams, run: async () => ({ clean_steps: {} }) }),
      execute_clean_step: defineCommand({
        mode: 'async',
        parse: (params) => params,
        run: async () => {
          await new Promise<void>((r) => {
            hold = r;
          });
          return { clean_result: null };
        },
      }),
    },
  };
  const { logger } = createTestLogger();
  const resumable = (name: string): boolean => name.endsWith('_step');

  /** An agent process as core.ts wires it: a journal, an executor, the history of this boot put back. */
  function start(fs: StateFs = new NodeStateFs()): { executor: CommandExecutor; restored: RestoredHistory } {
    const journal = new CommandJournal(bootStateStore(dir, 'boot-1', fs), logger);
    const executor = new CommandExecutor({ extensions: [ext], logger, observer: journal });
    const restored = journal.load(resumable);
    executor.restore(restored.finished);
    return { executor, restored };
  }

  const documents = (): string[] => readdirSync(join(dir, 'commands')).filter((f) => !f.startsWith('.'));
  const onDisk = (): string =>
    documents()
      .map((f) => readFileSync(join(dir, 'commands', f), 'utf8'))
      .join('');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journal-'));
    hold = () => undefined;
  });
  afterEach(() => {
    hold();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one small document per change, whatever the length of the history, and restores 400 commands in order', async () => {
    const fs = new CountingFs();
    const { executor } = start(fs);
    for (let i = 0; i < 400; i += 1) await executor.execute('clean.get_clean_steps', {});

    expect(fs.sizes).to.have.length(400);
    expect(Math.max(...fs.sizes)).to.equal(fs.sizes[0]);
    const again = start();
    expect(again.executor.list().map((r) => r.toJSON())).to.deep.equal(executor.list().map((r) => r.toJSON()));
    expect(documents()).to.have.length(400);
  });

  it('numbers new commands after the restored ones, so the order survives a second restart', async () => {
    const first = start();
    const a = await first.executor.execute('clean.get_clean_steps', {});
    const second = start();
    const b = await second.executor.execute('clean.get_clean_steps', {});

    expect(
      start()
        .executor.list()
        .map((r) => r.id),
    ).to.deep.equal([a.id, b.id]);
  });

  it("keeps a running step's params only while it runs (they may hold secrets), and resumes it under its id once", async () => {
    const first = start();
    const done = await first.executor.execute('clean.get_clean_steps', {});
    const step = await first.executor.execute('clean.execute_clean_step', { configdrive: 'SECRET' });
    expect(onDisk()).to.contain('SECRET');

    const second = start();
    expect(second.restored.resume).to.deep.equal({
      id: step.id,
      name: 'clean.execute_clean_step',
      params: { configdrive: 'SECRET' },
    });
    // As with the whole-file journal, the step is out of the persisted history until it runs again.
    expect(onDisk()).not.to.contain('SECRET');
    expect(start().restored.resume).to.equal(null);

    const again = await second.executor.execute('clean.execute_clean_step', { configdrive: 'SECRET' }, { id: step.id });
    hold();
    await again.wait();
    await new Promise((r) => setImmediate(r));

    expect(onDisk()).not.to.contain('SECRET');
    expect(
      start()
        .executor.list()
        .map((r) => [r.id, r.status]),
    ).to.deep.equal([
      [done.id, 'SUCCEEDED'],
      [step.id, 'SUCCEEDED'],
    ]);
  });

  it('rewrites a non-resumable interrupted command as FAILED when it is put back', async () => {
    const journal = new CommandJournal(bootStateStore(dir, 'boot-1'), logger);
    const executor = new CommandExecutor({ extensions: [ext], logger, observer: journal });
    const step = await executor.execute('clean.execute_clean_step', { configdrive: 'SECRET' });

    const second = new CommandJournal(bootStateStore(dir, 'boot-1'), logger);
    new CommandExecutor({ extensions: [ext], logger, observer: second }).restore(second.load(() => false).finished);

    expect(onDisk()).not.to.contain('SECRET');
    expect(
      start()
        .executor.list()
        .map((r) => [r.id, r.status]),
    ).to.deep.equal([[step.id, 'FAILED']]);
  });

  it('persists a result put back later (a step that could not be resumed)', () => {
    const { executor } = start();
    const failed = new CommandResult('execute_clean_step', 'async', { id: 'step-1' });
    failed.fail(new CommandExecutionError('could not resume'));

    executor.restore([failed]);

    expect(
      start()
        .executor.list()
        .map((r) => [r.id, r.status]),
    ).to.deep.equal([['step-1', 'FAILED']]);
  });

  it('removes the documents of the commands a new token forgets, and keeps the one still running', async () => {
    const { executor } = start();
    await executor.execute('clean.get_clean_steps', {});
    await executor.execute('clean.get_clean_steps', {});
    const step = await executor.execute('clean.execute_clean_step', {});

    executor.reset();

    expect(documents()).to.deep.equal(['0000000002.json']);
    hold();
    await step.wait();
    await new Promise((r) => setImmediate(r));
    expect(
      start()
        .executor.list()
        .map((r) => [r.id, r.status]),
    ).to.deep.equal([[step.id, 'SUCCEEDED']]);
  });

  describe('a crash between writing the temporary file and the rename', () => {
    it('leaves the history written before readable, and the next process goes on writing', async () => {
      const first = start();
      const kept = await first.executor.execute('clean.get_clean_steps', {});
      const crashing = start(new CrashAtRename());

      await crashing.executor.execute('clean.get_clean_steps', {});

      expect(readdirSync(join(dir, 'commands')).filter((f) => f.endsWith('.tmp'))).to.have.length(1);
      const third = start();
      expect(third.executor.list().map((r) => r.id)).to.deep.equal([kept.id]);
      const next = await third.executor.execute('clean.get_clean_steps', {});
      expect(
        start()
          .executor.list()
          .map((r) => r.id),
      ).to.deep.equal([kept.id, next.id]);
    });

    it('while a step finishes: the restarted agent finds it running and resumes it', async () => {
      const fs = new CrashAtRename(false);
      const { executor } = start(fs);
      const step = await executor.execute('clean.execute_clean_step', {});

      fs.die();
      hold();
      await step.wait();
      await new Promise((r) => setImmediate(r));

      expect(step.status).to.equal('SUCCEEDED');
      expect(start().restored.resume).to.deep.include({ id: step.id, name: 'clean.execute_clean_step' });
    });
  });
});
