import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Write a file so that a crash or power cut at any moment leaves either the old file or the
 * new one, never a torn mix: temporary file in the same folder, fsync, rename, fsync the folder.
 */
export function atomicWrite(path: string, bytes: Uint8Array): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd = -1;
  try {
    fd = openSync(tmp, 'w', 0o644);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path); // atomic on POSIX and on NTFS within one volume
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  try {
    const dfd = openSync(dir, 'r');
    fsyncSync(dfd); // make the rename itself durable
    closeSync(dfd);
  } catch {
    // NOTE: directories cannot be opened for fsync on Windows; the rename is still atomic there.
  }
}
