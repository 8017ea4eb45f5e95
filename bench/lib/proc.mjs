/**
 * @module bench/lib/proc
 * What a process costs, read from Linux /proc the same way whatever runs inside it (Node, Bun,
 * soketi): CPU time (user + system, all threads) and resident set size; and the file limit.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: the unit of utime/stime in /proc/<pid>/stat on Linux.

/** CPU time the process has used so far, in microseconds (10 ms resolution). */
export function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name "(...)": state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1_000_000) / TICKS_PER_SECOND;
}

/** Resident set size of the process, in bytes. */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** The soft and hard limits on open files of this process. */
export function fileLimits(pid = 'self') {
  const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  const parse = (value) => (value === 'unlimited' ? Number.POSITIVE_INFINITY : Number(value));
  return match ? { soft: parse(match[1]), hard: parse(match[2]) } : { soft: 1024, hard: 1024 };
}
