"""Content digest of a sparse disk image (test/e2e/disk-digest.ts runs this).

Usage: python3 disk-digest.py IMAGE

Prints one line per run of non-zero 4 KiB blocks, "run OFFSET LENGTH SHA256",
then "digest SHA256 ALLOCATED". Only the allocated ranges (SEEK_DATA/SEEK_HOLE)
are read; holes and all-zero blocks are skipped, so the digest depends on the
disk's contents only: not on how the file system backs them (a range zeroed
with BLKZEROOUT is an unwritten extent, which SEEK_DATA reports as data once a
read has put it in the page cache).
"""
import hashlib
import os
import sys

BLOCK = 4096
ZERO = bytes(BLOCK)


def allocated_ranges(fd, size):
    offset = 0
    while offset < size:
        try:
            start = os.lseek(fd, offset, os.SEEK_DATA)
        except OSError:
            return
        end = os.lseek(fd, start, os.SEEK_HOLE)
        yield start, end
        offset = end


def main(path):
    fd = os.open(path, os.O_RDONLY)
    size = os.fstat(fd).st_size
    digest = hashlib.sha256(b"size %d\n" % size)
    allocated = 0
    run_start, run = None, None
    position = 0

    def close_run():
        if run_start is not None:
            length = position - run_start
            line = "run %d %d %s" % (run_start, length, run.hexdigest())
            digest.update(line.encode() + b"\n")
            print(line)

    for start, end in allocated_ranges(fd, size):
        allocated += end - start
        if run_start is not None and start != position:
            close_run()
            run_start = None
        position = start
        while position < end:
            chunk = os.pread(fd, min(1 << 20, end - position), position)
            if not chunk:
                break
            for index in range(0, len(chunk), BLOCK):
                block = chunk[index:index + BLOCK]
                if block == ZERO[:len(block)]:
                    if run_start is not None:
                        close_run()
                        run_start = None
                elif run_start is None:
                    run_start, run = position, hashlib.sha256(block)
                else:
                    run.update(block)
                position += len(block)
    close_run()
    print("digest %s %d" % (digest.hexdigest(), allocated))


main(sys.argv[1])
