/**
 * Keyboard shortcuts of browser mode, read from the same accelerators as the desktop menu
 * (COMMANDS in the API contract), so both modes answer to the same keys.
 */
import { COMMANDS, type CommandName } from '../../src-main/host/api-contract';

/** Whether a keydown matches an Electron accelerator such as "CmdOrCtrl+Enter". */
export function matchesAccelerator(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>, accelerator: string, mac: boolean): boolean {
  const parts = accelerator.split('+');
  const key = parts.pop()!;
  const wantsMod = parts.includes('CmdOrCtrl');
  const mod = mac ? e.metaKey : e.ctrlKey;
  if (mod !== wantsMod || e.shiftKey !== parts.includes('Shift') || e.altKey !== parts.includes('Alt')) return false;
  return e.key.toLowerCase() === key.toLowerCase();
}

/** The command a keydown stands for, or null. */
export function commandFor(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>, mac: boolean): CommandName | null {
  for (const [name, c] of Object.entries(COMMANDS)) if (matchesAccelerator(e, c.accelerator, mac)) return name as CommandName;
  return null;
}

/** "CmdOrCtrl+Enter" -> "Ctrl+Enter" (or "⌘Enter" on a Mac), for tooltips. */
export function shortcutLabel(command: CommandName, mac: boolean): string {
  const a = COMMANDS[command].accelerator;
  return mac ? a.replace('CmdOrCtrl+', '⌘') : a.replace('CmdOrCtrl', 'Ctrl');
}
