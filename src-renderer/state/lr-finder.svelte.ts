/**
 * The learning-rate finder as the Train view sees it: one range test at a time on the settings
 * in the form; its curve and suggestion. The engine trains a scratch copy: no run, no saved model
 * and no form field changes until the person clicks "Use".
 */
import type { LrFinderResult, TrainConfig } from '../../src-engine/protocol';
import type { ScratchnetApi } from '../../src-main/host/api-contract';
import { OPTIMIZER_NAMES } from '../lib/run-plan';

/** The settings a range test's curve depends on: all but the rate, the schedule and the run's length. */
const MEASURED_WITH = ['dataset', 'hidden', 'activation', 'loss', 'optimizer', 'momentum', 'nesterov', 'weightDecay', 'batch', 'seed', 'classes', 'limit', 'dropout', 'augment'] as const;

export class LrFinderState {
  running = $state(false);
  result = $state.raw<LrFinderResult | null>(null);
  error = $state<string | null>(null);
  /** The settings the shown curve was measured with. */
  config = $state.raw<TrainConfig | null>(null);

  constructor(private readonly api: ScratchnetApi) {}

  /**
   * What the shown curve was measured for, when the settings typed now differ in anything the
   * range test depends on (all but the rate and the run's length); null when they match.
   */
  measuredFor(now: Partial<TrainConfig>): string | null {
    const then = this.config;
    if (!then) return null;
    const same = MEASURED_WITH.every((k) => JSON.stringify(then[k] ?? null) === JSON.stringify(now[k] ?? null));
    if (same) return null;
    const layers = then.hidden.length ? `hidden layers ${then.hidden.join(', ')}` : 'no hidden layer';
    return `${layers}, ${then.activation}, ${OPTIMIZER_NAMES[then.optimizer]}, batch ${then.batch}`;
  }

  /** Run the range test for a sound config (null: the form has problems, which it shows). */
  async run(config: TrainConfig | null): Promise<void> {
    if (this.running) return;
    if (!config) {
      this.error = 'Fix the settings first: the finder tests the network and optimizer they describe.';
      return;
    }
    this.running = true;
    this.error = null;
    try {
      this.result = await this.api.call('training:lr-find', { config });
      this.config = config;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.running = false;
    }
  }
}
