import { describe, expect, it } from 'vitest';
import { SETTING_CALLS, SettingsReplay } from '../../../src-main/host/settings-replay';

const tick = () => new Promise((r) => setTimeout(r, 0));

function replayed(settings: SettingsReplay): [string, unknown][] {
  const sent: [string, unknown][] = [];
  settings.replay((name, args) => (sent.push([name, args]), Promise.resolve()));
  return sent;
}

describe('the settings a fresh engine is given again', () => {
  it('are the setting calls the engine accepted, the last of each', async () => {
    expect(SETTING_CALLS).toContain('engine:set-threads');
    const settings = new SettingsReplay();
    expect(replayed(settings)).toEqual([]);
    settings.record('engine:set-threads', { threads: 2 }, Promise.resolve());
    settings.record('engine:set-threads', { threads: 1 }, Promise.resolve());
    settings.record('engine:set-threads', { threads: 9 }, Promise.reject(new Error('refused')));
    await tick();
    expect(replayed(settings)).toEqual([['engine:set-threads', { threads: 1 }]]);
  });

  it('leave out every call that is not a setting', async () => {
    const settings = new SettingsReplay();
    settings.record('engine:kernels', {}, Promise.resolve());
    settings.record('train:pause', {}, Promise.resolve());
    await tick();
    expect(replayed(settings)).toEqual([]);
  });

  it('do not let a replay that fails reach anyone', async () => {
    const settings = new SettingsReplay();
    settings.record('engine:set-threads', { threads: 1 }, Promise.resolve());
    await tick();
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    settings.replay(() => Promise.reject(new Error('the fresh worker died too')));
    await tick();
    await tick();
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });
});
