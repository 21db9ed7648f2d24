/**
 * The `log` extension: collect_system_logs returns `{system_logs: <base64 tar.gz>}`
 * with diagnostics, the agent's own recent log and files from the managers.
 * Every text is redacted: the agent token and `agent_token=` values are masked.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runner } from '../../../common/exec/runner.js';
import type { Logger } from '../../logger.js';
import { MASK, redactString } from '../../logger.js';
import { defineCommand, noParams } from '../../commands/define-command.js';
import type { Extension } from '../../commands/types.js';
import type { HardwareDispatcher } from '../../hardware/dispatch.js';
import { LOG_COLLECTORS, type LogCollector } from './collectors.js';

/** Dependencies of the log extension. */
export interface LogDeps {
  runner: Runner;
  dispatcher: HardwareDispatcher;
  logger: Logger;
  rootMount: string;
  /** The agent's recent log lines (already redacted by the logger). */
  agentLog: () => string;
  /** Secret strings to mask wherever they appear (the agent token). */
  secrets: () => string[];
  /** Diagnostics to run. Default LOG_COLLECTORS. */
  collectors?: readonly LogCollector[];
}

/** Build the `log` extension. */
export function createLogExtension(deps: LogDeps): Extension {
  return {
    name: 'log',
    commands: {
      collect_system_logs: defineCommand({
        mode: 'sync',
        parse: noParams,
        run: async () => ({ system_logs: await collectSystemLogs(deps) }),
      }),
    },
  };
}

/** Gather everything and return the tar.gz as base64. */
export async function collectSystemLogs(deps: LogDeps): Promise<string> {
  const files = new Map<string, string | Buffer>();
  for (const collector of deps.collectors ?? LOG_COLLECTORS)
    files.set(collector.file, await runCollector(deps, collector));
  files.set('ironic-coreos-agent.log', deps.agentLog());
  try {
    await deps.dispatcher.dispatchAll('collectSystemLogs', files);
  } catch {
    // No manager adds files: fine.
  }
  const dir = await mkdtemp(join(tmpdir(), 'ica-logs-'));
  try {
    await chmod(dir, 0o700);
    for (const [name, content] of files) {
      await writeFile(join(dir, safeName(name)), mask(deps, content), { mode: 0o600 });
    }
    const tar = await deps.runner.run(['tar', '-czf', '-', '-C', dir, '.'], { binary: true });
    return (tar.stdoutBuffer ?? Buffer.alloc(0)).toString('base64');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runCollector(deps: LogDeps, collector: LogCollector): Promise<string> {
  const argv = collector.argv.map((a) => a.replaceAll('{root}', deps.rootMount));
  try {
    const result = await deps.runner.run(argv, { timeoutMs: 60_000 });
    return result.stdout + (result.stderr === '' ? '' : `\n--- stderr ---\n${result.stderr}`);
  } catch (error) {
    return `command failed: ${argv.join(' ')}: ${error instanceof Error ? error.message : String(error)}\n`;
  }
}

function mask(deps: LogDeps, content: string | Buffer): string | Buffer {
  if (Buffer.isBuffer(content)) return content;
  let text = redactString(content);
  for (const secret of deps.secrets()) if (secret.length >= 8) text = text.replaceAll(secret, MASK);
  return text;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
