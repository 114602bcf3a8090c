/**
 * Electron IPC: one handler per API channel, each refusing callers that are not our window's
 * own page, then passing the call to the shared ApiServer (which validates the arguments).
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { API_CHANNELS, EVENT_CHANNEL, type ApiEvent, type ApiReply } from '../host/api-contract';

export interface IpcOptions {
  handle(name: unknown, args: unknown): Promise<ApiReply>;
  window(): BrowserWindow | null;
  /** Whether a URL is our own page. */
  isOwnPage(url: string): boolean;
}

/** Whether an IPC call comes from our window's main frame showing our page. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, options: IpcOptions): boolean {
  const win = options.window();
  const frame = event.senderFrame;
  return Boolean(win && !win.isDestroyed() && event.sender === win.webContents && frame &&
    frame === win.webContents.mainFrame && options.isOwnPage(frame.url));
}

/** Register every channel's handler. */
export function registerIpc(options: IpcOptions): void {
  for (const channel of API_CHANNELS) {
    ipcMain.handle(channel, async (event, args: unknown): Promise<ApiReply> => {
      if (!isTrustedSender(event, options)) return { ok: false, error: 'refused: the call did not come from the Scratchnet window' };
      return options.handle(channel, args);
    });
  }
}

/** Send an event to the window's page. */
export function sendEvent(win: BrowserWindow | null, event: ApiEvent): void {
  if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
}
