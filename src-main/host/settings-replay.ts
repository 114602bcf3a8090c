/**
 * The engine's settings: calls that set the engine up rather than ask it something. The host keeps
 * the last one of each the engine accepted and gives them again, in the order they were made, to
 * every fresh worker (after a crash, a cancel, or a worker that stopped answering), so a restart
 * undoes nothing the person chose. A new setting is one more name in SETTING_CALLS.
 */
import type { EngineCallName, EngineCalls } from '../../src-engine/protocol';

export const SETTING_CALLS = ['engine:set-threads'] as const satisfies readonly EngineCallName[];

type SettingCall = (typeof SETTING_CALLS)[number];

function isSetting(name: EngineCallName): name is SettingCall {
  return (SETTING_CALLS as readonly EngineCallName[]).includes(name);
}

export class SettingsReplay {
  private readonly made = new Map<SettingCall, EngineCalls[SettingCall]['args']>();

  /** Keep a setting call's arguments once the engine accepts it; a refused one is not kept. */
  record<K extends EngineCallName>(name: K, args: EngineCalls[K]['args'], reply: Promise<unknown>): void {
    if (!isSetting(name)) return;
    void reply.then(
      () => {
        this.made.delete(name); // NOTE: re-inserted, so the replay keeps the order the settings were last made in
        this.made.set(name, args as EngineCalls[SettingCall]['args']);
      },
      () => undefined,
    );
  }

  /** Give every kept setting to a fresh worker; `send` must not record them again. */
  replay(send: (name: SettingCall, args: EngineCalls[SettingCall]['args']) => Promise<unknown>): void {
    for (const [name, args] of this.made) send(name, args).catch(() => undefined);
  }
}
