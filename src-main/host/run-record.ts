/**
 * The run as the host knows it: one record per engine, fed every engine event, so that a page
 * that opens or reloads mid-run (or a second tab) is given the whole run at once instead of
 * picking up a stream halfway. Pages then follow the same events from there.
 */
import { endsEpoch, type EpochMetrics, type HealthSample, type ModelInfo, type RunOutcome, type RunState } from '../../src-engine/protocol';
import { TrainedSeconds } from './trained-seconds';
import type { RunStatus } from './api-contract';
import type { HostEvent } from './engine-host';

/** Keeps the latest run: its settings, state, every batch loss, epochs, progress and saves. */
export class RunRecord {
  private run: {
    runId: number;
    state: RunState;
    message: string | null;
    /** The run's model and settings (null until the start's reply tells them). */
    info: ModelInfo | null;
    history: EpochMetrics[];
    losses: number[];
    /** Global step of losses[0] minus one (the step the run started from; null before its first batch). */
    firstStep: number | null;
    lr: [number, number][];
    batchAccuracy: [number, number][];
    progress: RunStatus['progress'];
    savedEpoch: number | null;
    savedStep: number | null;
    savedName: string | null;
    recoverable: boolean;
    /** The engine's seconds at its last batch or done event (the file's, for a continued run before its first batch), counted on while it trains. */
    seconds: TrainedSeconds;
    outcome: RunOutcome | null;
    health: HealthSample[];
  } | null = null;

  constructor(private readonly clock: () => number = () => Date.now()) {}

  /**
   * The engine's reply to a start: the run's model and settings, and the epochs it continues.
   * NOTE: its first events may come before the reply is handled; the record began with them.
   */
  started(runId: number, info: ModelInfo): void {
    if (this.run?.runId !== runId) this.begin(runId);
    const run = this.run!;
    if (run.info === null) run.history = [...info.history, ...run.history];
    run.info = info;
    // a continued model's earlier seconds count from the start (its batch events then carry them)
    if (run.firstStep === null && info.trainedSeconds) run.seconds.engine(info.trainedSeconds);
    if (run.savedEpoch === null && info.history.length) {
      run.savedEpoch = info.epoch;
      run.savedStep = info.step;
    }
  }

  private begin(runId: number): void {
    const seconds = new TrainedSeconds(this.clock);
    seconds.setTraining(true);
    this.run = {
      runId,
      state: 'training',
      message: null,
      info: null,
      history: [],
      losses: [],
      firstStep: null,
      lr: [],
      batchAccuracy: [],
      progress: null,
      savedEpoch: null,
      savedStep: null,
      savedName: null,
      recoverable: false,
      seconds,
      outcome: null,
      health: [],
    };
  }

  /**
   * A checkpoint was written as `name` (the model library's autosave): the file now holds this
   * epoch and step. NOTE: recorded here, not when the engine sends the checkpoint: a write still
   * under way, or one that failed, must not make an earlier save (or none) read as this step.
   */
  saved(name: string, at: Pick<ModelInfo, 'epoch' | 'step'>): void {
    if (!this.run) return;
    this.run.savedName = name;
    this.run.savedEpoch = at.epoch;
    this.run.savedStep = at.step;
  }

  /** Feed one engine host event. `recoverable`: after a crash, whether its last checkpoint can be resumed. */
  handle(event: HostEvent, recoverable = false): void {
    if (event.type === 'worker:crashed') {
      const run = this.run;
      if (!run) return;
      if (run.state === 'training' || run.state === 'paused') this.setState('failed', event.message);
      // NOTE: a fresh worker numbers its runs from 1 again: this record takes no more events.
      run.runId = -1;
      run.recoverable = recoverable;
      return;
    }
    if (!('runId' in event)) return;
    if (event.type === 'state' && event.state === 'training' && this.run?.runId !== event.runId) this.begin(event.runId);
    const run = this.run;
    if (!run || event.runId !== run.runId) return;
    switch (event.type) {
      case 'batch': {
        run.firstStep ??= event.firstStep;
        // NOTE: a run continued from a checkpoint starts at its step; losses keep their steps.
        if (event.firstStep - run.firstStep !== run.losses.length) return;
        for (const loss of event.losses) run.losses.push(loss);
        const last = event.firstStep + event.losses.length;
        run.lr.push([last, event.lr]);
        run.batchAccuracy.push([event.epoch - 1 + event.stepInEpoch / event.stepsPerEpoch, event.accuracy]);
        const { epoch, stepInEpoch, stepsPerEpoch, samplesPerSecond, eta } = event;
        run.progress = { epoch, stepInEpoch, stepsPerEpoch, samplesPerSecond, eta };
        run.seconds.engine(event.seconds, endsEpoch(event));
        return;
      }
      case 'health':
        run.health.push(...event.samples);
        return;
      case 'epoch':
        run.history.push(event.metrics);
        return;
      case 'checkpoint':
        run.info = event.info; // where the run is; saved() says what is on disk
        return;
      case 'state':
        this.setState(event.state, event.message ?? null);
        return;
      case 'done':
        this.setState(event.state, event.message ?? null);
        run.outcome = event.outcome ?? null;
        run.seconds.engine(event.seconds);
        return;
      default:
        return;
    }
  }

  /** The latest run as a page needs it to draw it (null when none has run since the host started). */
  status(): RunStatus | null {
    const run = this.run;
    if (!run) return null;
    return {
      runId: run.runId < 0 ? null : run.runId,
      state: run.state,
      message: run.message,
      info: run.info,
      history: [...run.history],
      firstStep: run.firstStep ?? run.info?.step ?? 0,
      losses: Float64Array.from(run.losses),
      lr: Float64Array.from(run.lr.flat()),
      batchAccuracy: Float64Array.from(run.batchAccuracy.flat()),
      progress: run.progress,
      savedEpoch: run.savedEpoch,
      savedStep: run.savedStep,
      savedName: run.savedName,
      recoverable: run.recoverable,
      seconds: run.seconds.value(),
      outcome: run.outcome,
      health: [...run.health],
    };
  }

  private setState(state: RunState, message: string | null): void {
    const run = this.run!;
    run.seconds.setTraining(state === 'training');
    run.state = state;
    if (message !== null || state === 'training') run.message = message;
  }
}
