/**
 * Closing the window (or quitting) while a run is going asks first: "Stop and quit" stops the
 * run and waits until its checkpoint is on disk before closing; "Keep training" cancels the
 * close. Either way nothing is lost: the run also autosaves at every epoch end.
 */
import { app, dialog, type BrowserWindow } from 'electron';

/** The person's answer: stop the run and quit, or keep training. */
export type QuitChoice = 'stop' | 'keep';

/** What the guard needs to know and do. */
export interface QuitGuardOptions {
  /** Whether a run is training or paused. */
  running(): boolean;
  /** Stop the run; resolves when its checkpoint is written (or could not be). */
  stopAndSave(): Promise<void>;
  /** Ask the person (default: a native message box). */
  ask?(win: BrowserWindow): Promise<QuitChoice>;
}

/** The native question. */
export async function askToStop(win: BrowserWindow): Promise<QuitChoice> {
  const { response } = await dialog.showMessageBox(win, {
    type: 'question',
    buttons: ['Stop and quit', 'Keep training'],
    defaultId: 0,
    cancelId: 1,
    message: 'A model is training.',
    detail: 'Stopping saves it exactly where it is, in the Models view, where "Continue training" picks it up again. Every finished epoch is saved already.',
  });
  return response === 0 ? 'stop' : 'keep';
}

/** Guard a window's close (and the app's quit, which closes it). */
export function guardClose(win: BrowserWindow, options: QuitGuardOptions): void {
  const ask = options.ask ?? askToStop;
  let quitting = false;
  let asking = false;
  let allowed = false;
  const onBeforeQuit = () => (quitting = true);
  app.on('before-quit', onBeforeQuit);
  win.on('closed', () => app.removeListener('before-quit', onBeforeQuit));
  win.on('close', (event) => {
    if (allowed || !options.running()) return;
    event.preventDefault();
    if (asking) return;
    asking = true;
    void (async () => {
      try {
        if ((await ask(win)) === 'keep') {
          quitting = false;
          return;
        }
        await options.stopAndSave().catch(() => undefined);
        allowed = true;
        // NOTE: a quit (Cmd+Q, the menu) was cancelled by preventDefault; carry it out now.
        if (quitting) app.quit();
        else if (!win.isDestroyed()) win.close();
      } finally {
        asking = false;
      }
    })();
  });
}
