/**
 * The native menu: training controls and views with the same accelerators the browser-mode page
 * uses as shortcuts (COMMANDS in the API contract); a click is sent to the renderer as a command.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import { COMMANDS, type CommandName } from '../host/api-contract';

const item = (command: CommandName, send: (command: CommandName) => void): MenuItemConstructorOptions => ({
  label: COMMANDS[command].label,
  accelerator: COMMANDS[command].accelerator,
  click: () => send(command),
});

/** Build and install the application menu. */
export function installMenu(send: (command: CommandName) => void, dev: boolean): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'Training',
      submenu: [item('training:start', send), item('training:toggle-pause', send), item('training:stop', send)],
    },
    {
      label: 'View',
      submenu: [
        item('view:train', send),
        item('view:weights', send),
        item('view:digit-pad', send),
        item('view:models', send),
        item('view:step-inside', send),
        item('view:evaluate', send),
        item('view:build', send),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(dev ? [{ role: 'reload' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[] : []),
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
