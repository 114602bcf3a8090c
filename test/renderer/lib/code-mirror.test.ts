import { afterEach, describe, expect, it } from 'vitest';
import { type CodeHandle, mountCode } from '../../../src-renderer/lib/code-mirror';

const SOURCE = ['export function relu(x: Tensor): Tensor {', '  const y = K.empty(x.size); // the output', "  return result(y, x.shape, [x], 'relu', (dy, dx) => {", '    K.reluBackward(x.data, dy, dx);', '  });', '}'].join('\n');

let handle: CodeHandle | null = null;
afterEach(() => {
  handle?.destroy();
  handle = null;
});

/** Mount the code; returns the shadow root it is drawn in. */
function mount(options: Partial<Parameters<typeof mountCode>[1]> = {}): ShadowRoot {
  const parent = document.createElement('div');
  document.body.append(parent);
  handle = mountCode(parent, { doc: SOURCE, ...options });
  return parent.shadowRoot!;
}

/** The 1-based numbers of the lines drawn with the highlight band. */
function bandLines(parent: ShadowRoot): number[] {
  const lines = [...parent.querySelectorAll('.cm-line')];
  return lines.flatMap((l, i) => (l.classList.contains('cm-band') ? [i + 1] : []));
}

describe('mountCode', () => {
  it('shows the code read-only, with its keywords and comments marked for colour', () => {
    const parent = mount();
    expect(parent.querySelector('.cm-content')?.textContent).toContain('K.reluBackward(x.data, dy, dx);');
    expect(parent.querySelector('.cm-content')?.getAttribute('contenteditable')).toBe('false');
    expect(handle!.view.state.readOnly).toBe(true);
    // highlighted tokens are spans with generated classes: the keyword `export` and the comment
    const spans = [...parent.querySelectorAll('.cm-line span')].map((s) => s.textContent);
    expect(spans).toContain('export');
    expect(spans).toContain('// the output');
  });

  it('marks the lines it is given, and moves the mark when told', () => {
    const parent = mount({ highlight: { from: 3, to: 5 } });
    expect(bandLines(parent)).toEqual([3, 4, 5]);
    handle!.setHighlight({ from: 1, to: 2 });
    expect(bandLines(parent)).toEqual([1, 2]);
    handle!.setHighlight(null);
    expect(bandLines(parent)).toEqual([]);
    // a range past the end is clamped to the text
    handle!.setHighlight({ from: 6, to: 99 });
    expect(bandLines(parent)).toEqual([6]);
  });

  it('replaces the text and its marked lines', () => {
    const parent = mount({ highlight: { from: 1, to: 1 } });
    handle!.setDoc('a\nb\nc', { from: 2, to: 3 });
    expect(handle!.getDoc()).toBe('a\nb\nc');
    expect(bandLines(parent)).toEqual([2, 3]);
  });

  it('as an editor, reports each edit', () => {
    const seen: string[] = [];
    mount({ readOnly: false, onChange: (doc) => seen.push(doc) });
    expect(handle!.view.state.readOnly).toBe(false);
    handle!.view.dispatch({ changes: { from: 0, insert: '// new\n' } });
    expect(seen).toEqual([`// new\n${SOURCE}`]);
  });
});
