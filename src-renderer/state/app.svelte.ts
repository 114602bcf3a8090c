/**
 * App-wide state: the current view, the theme, what the host said about itself, and the notices
 * that concern the whole app (the engine stopped and was restarted; the connection was lost).
 */
import type { ApiEvent, AppInfo, CommandName, ScratchnetApi, ThemeSource } from '../../src-main/host/api-contract';

export type ViewName = 'train' | 'weights' | 'digit-pad' | 'models' | 'step-inside' | 'evaluate' | 'build';

/** The tabs, in order. */
export const VIEWS: { id: ViewName; label: string; command: CommandName }[] = [
  { id: 'train', label: 'Train', command: 'view:train' },
  { id: 'weights', label: 'Weights', command: 'view:weights' },
  { id: 'digit-pad', label: 'Digit pad', command: 'view:digit-pad' },
  { id: 'models', label: 'Models', command: 'view:models' },
  { id: 'step-inside', label: 'Step inside', command: 'view:step-inside' },
  { id: 'evaluate', label: 'Evaluate', command: 'view:evaluate' },
  { id: 'build', label: 'Build it', command: 'view:build' },
];

export interface Notice {
  kind: 'error' | 'warning';
  message: string;
  /** Offer to resume from the last checkpoint. */
  recoverable: boolean;
}

const THEME_KEY = 'scratchnet.theme';

export class AppState {
  view = $state<ViewName>('train');
  info = $state.raw<AppInfo | null>(null);
  themeSource = $state<ThemeSource>('system');
  /** The OS preference (browser media query, or Electron's nativeTheme). */
  systemDark = $state(true);
  notice = $state.raw<Notice | null>(null);
  readonly dark = $derived(this.themeSource === 'system' ? this.systemDark : this.themeSource === 'dark');
  private readonly stopListening: () => void;

  constructor(
    readonly api: ScratchnetApi,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = globalThis.localStorage ?? null,
  ) {
    const saved = storage?.getItem(THEME_KEY);
    if (saved === 'light' || saved === 'dark' || saved === 'system') this.themeSource = saved;
    this.stopListening = api.onEvent((e) => this.handle(e));
  }

  /** Ask the host about itself and apply the saved theme. */
  async load(): Promise<void> {
    try {
      this.info = await this.api.call('app:info', {});
      if (this.api.mode === 'desktop') {
        this.systemDark = this.info.dark;
        if (this.themeSource !== 'system') await this.setTheme(this.themeSource);
      }
    } catch (error) {
      this.notice = { kind: 'error', message: error instanceof Error ? error.message : String(error), recoverable: false };
    }
  }

  /** Choose system, light or dark; remembered on this machine. */
  async setTheme(source: ThemeSource): Promise<void> {
    this.themeSource = source;
    this.storage?.setItem(THEME_KEY, source);
    if (this.api.mode === 'desktop') await this.api.call('app:set-theme', { source }).catch(() => undefined);
  }

  /** Apply one event that concerns the whole app. */
  handle(event: ApiEvent): void {
    if (event.type === 'engine:stopped') {
      this.notice = { kind: event.restarted ? 'warning' : 'error', message: event.message, recoverable: event.recoverable };
    } else if (event.type === 'connection:lost') {
      this.notice = { kind: 'error', message: event.message, recoverable: false };
    } else if (event.type === 'app:theme' && this.themeSource === 'system') {
      this.systemDark = event.dark;
    }
  }

  dispose(): void {
    this.stopListening();
  }
}
