import { describe, expect, it, vi } from 'vitest';

interface Item { label?: string; role?: string; accelerator?: string; click?: () => void; submenu?: Item[] }
let template: Item[] = [];
vi.mock('electron', () => ({
  Menu: { buildFromTemplate: (t: Item[]) => ((template = t), t), setApplicationMenu: () => {} },
}));

const { installMenu } = await import('../../../src-main/desktop/menu');

describe('the native menu', () => {
  it('has training controls and views with accelerators that send commands to the page', () => {
    const sent: string[] = [];
    installMenu((c) => sent.push(c), false);
    const training = template.find((m) => m.label === 'Training')!.submenu!;
    expect(training.map((i) => [i.label, i.accelerator])).toEqual([
      ['Start training', 'CmdOrCtrl+Enter'],
      ['Pause / Resume', 'CmdOrCtrl+P'],
      ['Stop training', 'CmdOrCtrl+.'],
    ]);
    const views = template.find((m) => m.label === 'View')!.submenu!.filter((i) => i.accelerator?.match(/\+\d$/));
    expect(views.map((i) => [i.label, i.accelerator])).toEqual([
      ['Train', 'CmdOrCtrl+1'],
      ['Weights', 'CmdOrCtrl+2'],
      ['Digit pad', 'CmdOrCtrl+3'],
      ['Models', 'CmdOrCtrl+4'],
      ['Step inside', 'CmdOrCtrl+5'],
      ['Evaluate', 'CmdOrCtrl+6'],
      ['Build it', 'CmdOrCtrl+7'],
    ]);
    training[1].click!();
    views[2].click!();
    expect(sent).toEqual(['training:toggle-pause', 'view:digit-pad']);
    expect(JSON.stringify(template)).not.toContain('toggleDevTools');
  });
});
