import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ProgressBar from '../../../src-renderer/components/ProgressBar.svelte';

describe('ProgressBar', () => {
  it('shows epoch, step, samples per second and ETA while training', () => {
    render(ProgressBar, {
      props: {
        progress: { epoch: 2, epochs: 5, stepInEpoch: 30, stepsPerEpoch: 79, samplesPerSecond: 12345, eta: 65, fraction: (1 + 30 / 79) / 5 },
        state: 'training',
        elapsed: 31,
      },
    });
    const bar = screen.getByRole('progressbar', { name: 'Training progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('27.6');
    expect(bar.textContent).toBe('');
    const text = document.body.textContent!.replace(/\s+/g, ' ');
    expect(text).toContain('Epoch 2 / 5');
    expect(text).toContain('Step 30 / 79');
    expect(text).toContain('12.3k samples/s');
    expect(text).toContain('Elapsed 31 s');
    expect(text).toContain('ETA 1 m 05 s');
    expect(text).toContain('27.6%');
  });

  it('shows dashes before the first batch and no ETA when paused', () => {
    const { rerender } = render(ProgressBar, {
      props: { progress: { epoch: 0, epochs: 3, stepInEpoch: 0, stepsPerEpoch: 0, samplesPerSecond: 0, eta: NaN, fraction: 0 }, state: 'starting', elapsed: 0 },
    });
    let text = document.body.textContent!.replace(/\s+/g, ' ');
    expect(text).toContain('Epoch – / 3');
    expect(text).toContain('ETA –');
    rerender({ progress: { epoch: 1, epochs: 3, stepInEpoch: 5, stepsPerEpoch: 10, samplesPerSecond: 800, eta: 20, fraction: 0.5 / 3 }, state: 'paused', elapsed: 4 });
    text = document.body.textContent!.replace(/\s+/g, ' ');
    expect(text).toContain('Step 5 / 10');
    expect(text).toContain('ETA –');
  });

  it('shows no pace until the engine has measured one (its first slice warms up)', () => {
    render(ProgressBar, {
      props: { progress: { epoch: 1, epochs: 3, stepInEpoch: 4, stepsPerEpoch: 938, samplesPerSecond: 0, eta: NaN, fraction: 4 / 938 / 3 }, state: 'training', elapsed: 0.1 },
    });
    const text = document.body.textContent!.replace(/\s+/g, ' ');
    expect(text).toContain('Step 4 / 938');
    expect(text).toContain('– samples/s');
    expect(text).toContain('ETA –');
  });
});
