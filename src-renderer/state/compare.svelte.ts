/**
 * Compare runs: the models chosen in the Models view (2 to 6) and their histories and settings
 * from the host. The comparison is read when asked for, never in the background.
 */
import type { ScratchnetApi } from '../../src-main/host/api-contract';
import type { ComparedRun, ModelCalls } from '../../src-main/library/models-contract';
import type { CompareAxis } from '../lib/compare-runs';

/** Most runs compared at once (the host refuses more). */
export const COMPARE_MAX = 6;

/** The part of the app API comparisons use. */
export interface CompareApi {
  call(name: 'models:compare', args: ModelCalls['models:compare']['args']): Promise<ModelCalls['models:compare']['result']>;
}

/** The chosen runs and, once compared, their histories and settings. */
export class CompareRunsState {
  chosen = $state<string[]>([]);
  runs = $state.raw<ComparedRun[] | null>(null);
  axis = $state<CompareAxis>('epoch');
  busy = $state(false);
  error = $state<string | null>(null);

  constructor(private readonly api: CompareApi | Pick<ScratchnetApi, 'call'>) {}

  /** Add or remove a model; at most COMPARE_MAX. */
  toggle(name: string): void {
    if (this.chosen.includes(name)) this.chosen = this.chosen.filter((n) => n !== name);
    else if (this.chosen.length < COMPARE_MAX) this.chosen = [...this.chosen, name];
    else this.error = `At most ${COMPARE_MAX} runs can be compared at once.`;
  }

  /** Forget models that are no longer in the library. */
  keepOnly(names: string[]): void {
    const next = this.chosen.filter((n) => names.includes(n));
    if (next.length !== this.chosen.length) this.chosen = next;
  }

  async compare(): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      this.runs = (await (this.api as CompareApi).call('models:compare', { names: [...this.chosen] })).runs;
    } catch (error) {
      this.runs = null;
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }

  close(): void {
    this.runs = null;
  }
}
