/**
 * The scripts the RAID VM test runs inside the guest (see raid.test.ts):
 * a shell script that builds the md layout, runs the agent's RAID removal
 * through a node script importing this worktree's dist/, and writes what it
 * observed as files under `facts/` in the share.
 */

/** Guest node script: `node raid.mjs <dist> plan|remove <disk>`; prints PLAN/OK/ERROR lines, logs JSON to stderr. */
export const NODE_SCRIPT = `
const [dist, mode, disk] = process.argv.slice(2);
const { createSoftwareRaid } = await import(dist + '/agent/hardware/coreos/raid/remove.js');
const { ExecaRunner } = await import(dist + '/common/exec/execa-runner.js');
const { createLogger } = await import(dist + '/agent/logger.js');
const raid = createSoftwareRaid(new ExecaRunner(), createLogger({ json: true, debug: true }));
try {
  const plan = await raid.plan(disk);
  console.log('PLAN ' + JSON.stringify(plan));
  if (mode === 'remove') await raid.remove(plan);
  console.log('OK');
} catch (e) {
  console.log('ERROR ' + JSON.stringify({ type: e.type ?? e.name, details: e.details ?? e.message }));
  process.exitCode = 3;
}
`;

/**
 * Guest shell script. Disk A (serial raid-a) is the install disk; B (raid-b)
 * shares the mirror md0 with A and alone holds md1; A2 and C (raid-c, whole
 * disk) carry stale superblocks of stopped arrays.
 */
export function guestScript(dist: string): string {
  return `
set -u
S=$(pwd); F=$S/facts; mkdir -p $F
fact() { printf '%s\\n' "$2" > $F/$1; }
by_serial() { for b in /sys/block/vd*; do [ "$(cat $b/serial 2>/dev/null)" = "$1" ] && echo \${b##*/}; done; }
wait_dev() { i=0; while [ ! -b "$1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; }
examine() { mdadm --examine "$2" > $F/examine-$1 2>&1; echo $? > $F/examine-$1.rc; }
# B without the md superblock area of B1 (sectors start+8 .. start+data offset), which stopping md0 rewrites.
sum_b() {
  blockdev --flushbufs /dev/$BN; s=$(cat /sys/block/$BN/\${BN}1/start)
  off=$(mdadm --examine /dev/\${BN}1 | sed -n 's/^ *Data Offset : \\([0-9]*\\) sectors.*/\\1/p')
  { dd if=/dev/$BN bs=512 count=$((s+8)) status=none; dd if=/dev/$BN bs=512 skip=$((s+off)) status=none; } | sha256sum | cut -d' ' -f1
}
AN=$(by_serial raid-a); BN=$(by_serial raid-b); CN=$(by_serial raid-c)
A=/dev/$AN; B=/dev/$BN; C=/dev/$CN
fact disks "$A $B $C"
set -e
printf 'label: gpt\\nsize=40MiB\\nsize=40MiB\\n' | sfdisk -q $A
printf 'label: gpt\\nsize=40MiB\\nsize=20MiB\\nsize=20MiB\\n' | sfdisk -q $B
for p in \${A}1 \${A}2 \${B}1 \${B}2 \${B}3; do wait_dev $p; done
md() { mdadm --create "$@" --run --assume-clean --metadata=1.2 --level=1 --raid-devices=2 < /dev/null; }
md /dev/md0 --name=mirror \${A}1 \${B}1
md /dev/md1 --name=bonly \${B}2 \${B}3
md /dev/md2 --name=staleA \${A}2 missing
md /dev/md3 --name=staleC $C missing
mdadm --stop /dev/md2 /dev/md3
mkfs.ext4 -q /dev/md0; mkdir -p /mnt/md0; mount /dev/md0 /mnt/md0
dd if=/dev/urandom of=/mnt/md0/data bs=1M count=4 status=none; sha256sum < /mnt/md0/data | cut -d' ' -f1 > $F/data.sha
cat /proc/mdstat > $F/mdstat-before; mdadm --detail --scan --verbose > $F/detail-scan
examine member \${A}1; mdadm --examine $B > $F/examine-nonmember 2>&1; echo $? > $F/examine-nonmember.rc
set +e
node $S/raid.mjs ${dist} remove $A > $F/refused.out 2> $F/refused.log; echo $? > $F/refused.rc
cat /proc/mdstat > $F/mdstat-refused
umount /mnt/md0; sync; sleep 1
sum_b > $F/b.before; sha256sum < $C | cut -d' ' -f1 > $F/c.before
node $S/raid.mjs ${dist} remove $A > $F/removed.out 2> $F/removed.log; echo $? > $F/removed.rc
cat /proc/mdstat > $F/mdstat-after
examine A1 \${A}1; examine A2 \${A}2; examine A $A
examine B1 \${B}1; examine B2 \${B}2; examine B3 \${B}3; examine C $C
sum_b > $F/b.after; sha256sum < $C | cut -d' ' -f1 > $F/c.after
# degraded, not destroyed: md0 assembles from B1 alone and still holds the data
mdadm --assemble /dev/md0 --run \${B}1 > $F/assemble.log 2>&1; echo $? > $F/assemble.rc
mount -o ro /dev/md0 /mnt/md0 && sha256sum < /mnt/md0/data | cut -d' ' -f1 > $F/data.after; umount /mnt/md0
cat /proc/mdstat > $F/mdstat-degraded
exit 0
`;
}
