/**
 * CPU time from /proc: the whole machine's busy time (/proc/stat) and the CPU
 * time of one process group (every /proc/<pid>/stat whose pgrp matches), so a
 * benchmark can say how much of the machine a daemon used while it ran, and
 * the weight that gives a daemon its share of the CPUs.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Clock ticks per second of /proc times (USER_HZ; 100 on Linux x86 and arm). */
const USER_HZ = 100;

/** Seconds the machine's CPUs spent busy (everything but idle and iowait), summed over CPUs. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / USER_HZ;
}

/**
 * CPU seconds (user + system) of the live processes in process group `pgid`,
 * their reaped children included (cutime, cstime). Processes that exited and
 * were reaped by a process outside the group are not counted.
 */
export function processGroupSeconds(pgid: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // fields after the command name, which is in parentheses and may contain spaces
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(rest[2]) !== pgid) continue;
    ticks += Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
  }
  return ticks / USER_HZ;
}

/**
 * Give process `pid` (and, through its autogroup, every process of its session)
 * the CPU weight of nice `nice`. With `kernel.sched_autogroup_enabled` (the
 * default on most distributions) CFS first shares the CPUs equally between
 * sessions and only then by niceness inside one, so a daemon started with
 * setsid gets one session's share however many other sessions are busy; the
 * autogroup's own nice value (`/proc/<pid>/autogroup`, sched(7)) weights the
 * whole session. Both that and the process's own nice are set.
 * @returns how the weight was applied, e.g. `autogroup nice -10`
 */
export function prioritise(pid: number, nice: number): string {
  const applied: string[] = [];
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(nice));
    applied.push(`autogroup nice ${nice}`);
  } catch {
    // no autogroups (kernel option off or not built): the process's own nice is all there is
  }
  try {
    setPriority(pid, nice);
    applied.push(`nice ${nice}`);
  } catch (error) {
    applied.push(`nice unchanged (${error instanceof Error ? error.message : String(error)})`);
  }
  return applied.join(', ');
}
