/**
 * The sandboxed preload: exposes exactly one typed object, window.scratchnet, built on
 * ipcRenderer. Only known channels can be called; replies are unwrapped into results or errors.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_CHANNEL, isApiChannel, type ApiEvent, type ApiReply, type ScratchnetApi } from '../host/api-contract';

const api: ScratchnetApi = {
  mode: 'desktop',
  async call(name, args) {
    if (!isApiChannel(name)) throw new Error(`unknown call ${String(name)}`);
    const reply = (await ipcRenderer.invoke(name, args)) as ApiReply;
    if (!reply.ok) throw new Error(reply.error);
    return reply.result as never;
  },
  onEvent(listener) {
    const relay = (_event: Electron.IpcRendererEvent, payload: ApiEvent) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, relay);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, relay);
  },
};

contextBridge.exposeInMainWorld('scratchnet', api);
