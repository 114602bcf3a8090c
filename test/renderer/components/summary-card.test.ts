import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import SummaryCard from '../../../src-renderer/components/SummaryCard.svelte';

const props = { parameters: 101770, architecture: '784-128-10 relu', elapsed: 4.2, lastLoss: 0.3, epochsDone: 1, savedEpoch: 1, savedStep: 938, stepsPerEpoch: 938 };

describe('SummaryCard', () => {
  it('shows a run above the baseline as a success, one below it in amber and says so, a failed one in red', () => {
    const { unmount } = render(SummaryCard, { props: { ...props, best: { accuracy: 0.9394, epoch: 1 }, baseline: 0.82 } });
    const main = () => screen.getByTestId('best-accuracy').parentElement!;
    expect(main().className).not.toMatch(/below|failed/);
    expect(main().textContent).toContain('epoch 1 · baseline 82.0%');
    expect(document.body.textContent).toContain('1 epoch done · saved after epoch 1');
    unmount();
    const below = render(SummaryCard, { props: { ...props, best: { accuracy: 0.6063, epoch: 1 }, baseline: 0.82 } });
    expect(main().className).toMatch(/below/);
    expect(main().textContent).toContain('epoch 1 · below the baseline 82.0%');
    below.unmount();
    render(SummaryCard, { props: { ...props, best: { accuracy: 0.133, epoch: 1 }, baseline: 0.82, failed: true } });
    expect(main().className).toMatch(/failed/);
    expect(main().className).not.toMatch(/below/);
  });
});
