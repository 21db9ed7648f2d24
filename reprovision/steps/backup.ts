/**
 * The backup of /etc and /var before they are replaced (GNU tar, keeping
 * modes, numeric owners, ACLs and every xattr, SELinux labels included), and
 * its restore for `rollback`. Each archive is written under a temporary name
 * and renamed when complete, so an interrupted backup is redone, never trusted.
 */
import { join } from 'node:path';
import type { Runner } from '../../common/exec/runner.js';
import type { Fs } from '../../common/fs/fs.js';
import { ReprovisionError } from '../errors.js';
import { STATE_TOP } from '../sysroot/layout.js';

/** tar's options that keep everything a node's files carry. */
const KEEP_ALL = ['--xattrs', '--xattrs-include=*', '--acls', '--numeric-owner'] as const;

/** argv that archives `dir` into `file` (the state directory excluded). */
export function archiveArgv(file: string, dir: string): string[] {
  return [
    'tar',
    '--create',
    `--file=${file}`,
    ...KEEP_ALL,
    '--sparse',
    '--one-file-system',
    `--exclude=./${STATE_TOP}`,
    '-C',
    dir,
    '.',
  ];
}

/** argv that restores `file` into `dir`. */
export function restoreArgv(file: string, dir: string): string[] {
  return ['tar', '--extract', `--file=${file}`, ...KEEP_ALL, '--same-permissions', '--same-owner', '-C', dir];
}

/** The archives of one backup directory. */
export function backupFiles(dir: string): { etc: string; var: string } {
  return { etc: join(dir, 'etc.tar'), var: join(dir, 'var.tar') };
}

/**
 * Archive `etcDir` and `varDir` into `dest` (0700), skipping an archive that is already complete.
 * @param progress - called with a line per archive
 * @throws ReprovisionError with tar's message as the cause
 */
export async function backup(
  env: { runner: Runner; fs: Fs },
  dirs: { etc: string; var: string },
  dest: string,
  progress: (line: string) => void,
): Promise<void> {
  await env.fs.mkdirp(dest, 0o700);
  const files = backupFiles(dest);
  for (const [name, dir, file] of [
    ['/etc', dirs.etc, files.etc],
    ['/var', dirs.var, files.var],
  ] as const) {
    if (await env.fs.exists(file)) continue;
    progress(`backing up ${name} to ${file}`);
    const partial = `${file}.partial`;
    await env.fs.remove(partial);
    try {
      await env.runner.run(archiveArgv(partial, dir), { timeoutMs: 6 * 60 * 60_000 });
    } catch (error) {
      await env.fs.remove(partial);
      throw new ReprovisionError(
        `backing up ${name} failed`,
        'Free space where the backup goes (or pass --backup DIR on a larger filesystem, or --no-backup), then run again',
        { cause: error },
      );
    }
    await env.fs.rename(partial, file);
  }
}

/**
 * Extract the /var archive of `backupDir` into a fresh `dest`.
 * @throws ReprovisionError when the archive is missing or tar fails
 */
export async function restoreVar(env: { runner: Runner; fs: Fs }, backupDir: string, dest: string): Promise<void> {
  const file = backupFiles(backupDir).var;
  if (!(await env.fs.exists(file))) {
    throw new ReprovisionError(
      `the backup ${file} is missing`,
      'Restore /var by hand, or roll back without restoring it',
    );
  }
  await env.fs.removeTree(dest);
  await env.fs.mkdirp(dest, 0o755);
  try {
    await env.runner.run(restoreArgv(file, dest), { timeoutMs: 6 * 60 * 60_000 });
  } catch (error) {
    throw new ReprovisionError(`restoring ${file} failed`, 'Read tar’s message below; nothing has been switched yet', {
      cause: error,
    });
  }
}
