import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createUploadFolder, removeStaleUploadFolders } from '../../../src-main/host/upload-folders';

let parent: string;
afterEach(() => rmSync(parent, { recursive: true, force: true }));

describe('upload folders', () => {
  it('removes the folders of hosts that are gone, and keeps this one, running ones and anything else', async () => {
    parent = mkdtempSync(path.join(os.tmpdir(), 'scratchnet-uploads-test-'));
    const mine = await createUploadFolder(parent);
    expect(path.basename(mine)).toMatch(new RegExp(`^host-${process.pid}-`));
    for (const name of ['host-111-aaaa', 'host-222-bbbb', 'notes']) {
      mkdirSync(path.join(parent, name));
      writeFileSync(path.join(parent, name, 'incoming-x'), 'left by a crash');
    }
    const removed = await removeStaleUploadFolders(parent, (pid) => pid === 222);
    expect(removed).toEqual(['host-111-aaaa']);
    expect(readdirSync(parent).sort()).toEqual([path.basename(mine), 'host-222-bbbb', 'notes'].sort());
  });

  it('a process id that no longer runs counts as gone (the real check)', async () => {
    parent = mkdtempSync(path.join(os.tmpdir(), 'scratchnet-uploads-test-'));
    // NOTE: pids are at most 2^22 on Linux, so this one cannot be running.
    mkdirSync(path.join(parent, 'host-99999999-cccc'));
    expect(await removeStaleUploadFolders(parent)).toEqual(['host-99999999-cccc']);
    expect(existsSync(path.join(parent, 'host-99999999-cccc'))).toBe(false);
    expect(await removeStaleUploadFolders(path.join(parent, 'missing'))).toEqual([]);
  });
});
