import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  app: { getPath: vi.fn(() => '/home/ada/Documents') },
  dialog: { showSaveDialog: vi.fn(), showOpenDialog: vi.fn() },
  shell: { showItemInFolder: vi.fn(), trashItem: vi.fn(async () => {}) },
}));
vi.mock('electron', () => electron);

const { desktopModelPlatform, trashFile } = await import('../../../src-main/desktop/desktop-model-platform');

const win = { id: 1 };
beforeEach(() => vi.clearAllMocks());

describe('desktop model dialogs', () => {
  it('Save As suggests the file in Documents with the right filter, and reports a cancel as null', async () => {
    const platform = desktopModelPlatform(() => win as never);
    electron.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: '/home/ada/Desktop/net.safetensors' });
    expect(await platform.saveDialog!('net.safetensors', 'model')).toBe('/home/ada/Desktop/net.safetensors');
    expect(electron.dialog.showSaveDialog).toHaveBeenCalledWith(win, expect.objectContaining({
      defaultPath: '/home/ada/Documents/net.safetensors',
      filters: [{ name: 'safetensors model', extensions: ['safetensors'] }],
    }));
    electron.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    expect(await platform.saveDialog!('net-metrics.csv', 'csv')).toBeNull();
  });

  it('Open picks one .safetensors file; reveal and delete use the file manager and the trash', async () => {
    const platform = desktopModelPlatform(() => null);
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/tmp/a.safetensors'] });
    expect(await platform.openDialog!()).toBe('/tmp/a.safetensors');
    expect(electron.dialog.showOpenDialog).toHaveBeenCalledWith(expect.objectContaining({ properties: ['openFile'] }));
    platform.reveal!('/models/a.safetensors');
    expect(electron.shell.showItemInFolder).toHaveBeenCalledWith('/models/a.safetensors');
    await trashFile('/models/a.safetensors');
    expect(electron.shell.trashItem).toHaveBeenCalledWith('/models/a.safetensors');
  });
});
