/**
 * Before continuing, the Models view says what happens to the learning-rate schedule and lets the
 * person keep it (issue 14 #11): continuing a 20-epoch cosine run stopped at epoch 5 for 1 epoch
 * used to squeeze the schedule into 6 epochs, the rate dropping from 0.043 to 0.0033 unannounced.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import type { ModelInfo } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { scheduleOnContinue } from '../../../src-engine/train/continue-schedule';
import { ModelLibrary } from '../../../src-renderer/state/models.svelte';
import ModelsView from '../../../src-renderer/views/ModelsView.svelte';
import { fakeLibraryApi, summary } from '../models-fixtures';

const recipe = { ...DEFAULT_CONFIG, lr: 0.05, schedule: 'cosine' as const, epochs: 20 };
const info = { architecture: mlpArchitecture([784, 128, 10], 'relu', 'cross_entropy', [...'0123456789']), history: [] } as unknown as ModelInfo;

async function view() {
  const model = summary({ name: 'long run', epochs: 5, plannedEpochs: 20, schedule: 'cosine', recipe });
  const api = fakeLibraryApi({ 'models:list': { dir: '/m', models: [model], problems: [] }, 'models:continue': { runId: 2, info } });
  const library = new ModelLibrary(api);
  render(ModelsView, { props: { library, mode: 'browser', runActive: false } });
  await screen.findByText('Continue training');
  return api;
}

const said = () => screen.getByTestId('schedule-on-continue').textContent;

describe('Continue training: the schedule', () => {
  it('for fewer epochs than planned, says so, keeps the plan by default, and can lay it over the new length', async () => {
    const api = await view();
    // the suggestion finishes the run: the schedule carries on as planned
    expect(said()).toBe('Its cosine schedule carries on as planned: the rate goes from 0.043 down to 0 by epoch 20, exactly as if the run had never stopped.');
    await fireEvent.input(screen.getByLabelText('More epochs'), { target: { value: '1' } });
    const keep = screen.getByRole('radio', { name: /Keep the schedule planned for 20 epochs \(stop after epoch 6\)/ }) as HTMLInputElement;
    expect(keep.checked).toBe(true);
    expect(said()).toBe(
      'Its cosine schedule keeps its plan of 20 epochs: the rate goes from 0.043 to 0.04 through epoch 6, where the run stops; continuing later for 14 more finishes it exactly as if it had never stopped.',
    );
    await fireEvent.click(screen.getByRole('radio', { name: 'Lay the schedule over 6 epochs' }));
    expect(said()).toBe('Its cosine schedule is laid over 6 epochs instead of 20: the rate changes at once from 0.043 to 0.0033 and falls to 0 by epoch 6.');
    await fireEvent.click(screen.getByRole('radio', { name: /Keep the schedule/ }));
    await fireEvent.click(screen.getByRole('button', { name: 'Continue training' }));
    await waitFor(() => expect(api.calls.find((c) => c.name === 'models:continue')?.args).toEqual({ name: 'long run', epochs: 6, keepSchedule: true }));
  });

  it('a refused number of more epochs is said, and nothing about the schedule', async () => {
    await view();
    await fireEvent.input(screen.getByLabelText('More epochs'), { target: { value: '1000000000' } });
    expect(screen.getByRole('alert').textContent).toBe('Enter a whole number of epochs from 1 to 995: a run has at most 1000 epochs in all.');
    expect(screen.queryByTestId('schedule-on-continue')).toBeNull();
    expect((screen.getByRole('button', { name: 'Continue training' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('a finished run: the schedule is laid over the longer run, and the rate rises again (said with numbers)', () => {
    expect(scheduleOnContinue({ ...recipe, epochs: 5 }, 5, 5, true)).toEqual({
      canKeep: false,
      text: 'Its cosine schedule is laid over 10 epochs instead of 5: the rate changes at once from 0 to 0.025 and falls to 0 by epoch 10.',
    });
    expect(scheduleOnContinue({ ...recipe, schedule: 'constant' }, 5, 1, true).text).toBe('The learning rate stays 0.05 (constant).');
    expect(scheduleOnContinue({ ...recipe, schedule: 'step' }, 2, 3, true).text).toMatch(/^Its step-decay schedule keeps its plan of 20 epochs: the rate stays 0\.05 through epoch 5,/);
    expect(scheduleOnContinue({ ...recipe, schedule: 'step' }, 2, 3, false).text).toBe(
      'Its step-decay schedule is laid over 5 epochs instead of 20: the rate starts at 0.05 and falls to 0.0005 by epoch 5.',
    );
  });

  it('a run stopped part-way into an epoch: the rate is said from where it stopped, not from the epoch\'s start', () => {
    // a 2-epoch cosine run stopped three quarters into epoch 2: its next step's rate is 0.0019, not 0.025
    expect(scheduleOnContinue({ ...recipe, epochs: 2 }, 1, 1, true, 0.75).text).toBe(
      'Its cosine schedule carries on as planned: the rate goes from 0.0019 down to 0 by epoch 2, exactly as if the run had never stopped.',
    );
  });
});