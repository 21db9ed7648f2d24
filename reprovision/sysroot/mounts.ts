/**
 * Mounts below /var, from /proc/self/mountinfo (pure parsing). The switch
 * moves /var's entries with rename(2), which cannot cross filesystems: a
 * separate filesystem mounted below /var (container storage, a data disk)
 * would be copied or fail half-way, so it is refused up front (bootc's
 * reviewers asked the same of `bootc install reset`, bootc-dev/bootc#1588).
 * /var itself being its own filesystem is fine.
 */

/** Mount points of a mountinfo text (field 5, octal escapes decoded). */
export function mountPoints(mountinfo: string): string[] {
  const points: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 5) continue;
    points.push(fields[4]!.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))));
  }
  return points;
}

/** The mount points strictly below any of `dirs`, sorted and without duplicates. */
export function mountsBelow(mountinfo: string, dirs: readonly string[]): string[] {
  const prefixes = dirs.map((dir) => `${dir.replace(/\/+$/, '')}/`);
  const below = mountPoints(mountinfo).filter((point) => prefixes.some((prefix) => point.startsWith(prefix)));
  return [...new Set(below)].sort();
}
