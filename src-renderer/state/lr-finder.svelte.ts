/**
 * The learning-rate finder as the Train view sees it: one range test at a time on the settings
 * in the form; its curve and suggestion. The engine trains a scratch copy: no run, no saved model
 * and no form field changes until the person clicks "Use".
 */
import type { LrFinderResult, TrainConfig } from '../../src-engine/protocol';
import type { ScratchnetApi } from '../../src-main/host/api-contract';

export class LrFinderState {
  running = $state(false);
  result = $state.raw<LrFinderResult | null>(null);
  error = $state<string | null>(null);
  /** The settings the shown curve was measured with. */
  config = $state.raw<TrainConfig | null>(null);

  constructor(private readonly api: ScratchnetApi) {}

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
