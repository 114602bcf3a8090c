/**
 * Browser mode's upload folders: one per running host under `<data>/uploads`, named by the
 * host's process id, removed when it stops; folders of hosts that died without cleaning up
 * (a crash, a kill) are removed at the next start.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { processAlive } from './process-alive';
import { UPLOAD_ID } from './upload-limits';

/** The file that the upload with this id went into (the id is checked; it never makes a path). */
export function uploadFile(dir: string, id: string): string {
  if (!UPLOAD_ID.test(id)) throw new Error('that upload id is not one the host gave out');
  return path.join(dir, `incoming-${id}`);
}

/** Remove the upload folders under `parent` whose host is no longer running; returns their names. */
export async function removeStaleUploadFolders(parent: string, isAlive: (pid: number) => boolean = processAlive): Promise<string[]> {
  const names = await readdir(parent).catch(() => [] as string[]);
  const stale = names.filter((name) => {
    const m = /^host-(\d+)-[\w-]+$/.exec(name);
    return m !== null && Number(m[1]) !== process.pid && !isAlive(Number(m[1]));
  });
  await Promise.all(stale.map((name) => rm(path.join(parent, name), { recursive: true, force: true })));
  return stale;
}

/** A fresh upload folder for this process under `parent`. */
export async function createUploadFolder(parent: string): Promise<string> {
  const dir = path.join(parent, `host-${process.pid}-${randomBytes(6).toString('base64url')}`);
  await mkdir(dir, { recursive: true });
  return dir;
}
