/** What `log.collect_system_logs` gathers: commands as data (file name → argv). */

/** One diagnostic command whose output goes into the tarball. */
export interface LogCollector {
  /** File name inside the tarball. */
  file: string;
  /** argv; `{root}` is replaced by the host root mount. */
  argv: readonly string[];
}

/** IPA's list (log.collect_system_logs), adapted to a container with the host root mounted. */
export const LOG_COLLECTORS: readonly LogCollector[] = [
  { file: 'journal', argv: ['chroot', '{root}', 'journalctl', '--no-pager', '-b', '-n', '10000'] },
  { file: 'dmesg', argv: ['dmesg'] },
  { file: 'df', argv: ['df', '-a'] },
  { file: 'ip_addr', argv: ['ip', 'addr'] },
  { file: 'ip_route', argv: ['ip', 'route'] },
  { file: 'lsblk', argv: ['lsblk', '--all', '-o', '+UUID,PARTUUID,LABEL,FSTYPE,SERIAL,WWN,MODEL'] },
  { file: 'mount', argv: ['cat', '/proc/mounts'] },
  { file: 'mdstat', argv: ['cat', '/proc/mdstat'] },
  { file: 'efibootmgr', argv: ['efibootmgr', '-v'] },
  { file: 'ps', argv: ['ps', 'aux'] },
];
