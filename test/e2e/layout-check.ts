/**
 * The in-page half of the layout test: run with `page.evaluate(layoutProblems)`, it measures
 * the rendered app and returns one sentence per thing a person could not see or read:
 * - text, a control, a canvas or a drawing (svg) that no scrolling brings into view (cut by an ancestor that
 *   clips without scrolling, or lying where no scrollbar reaches); deliberate truncation with
 *   an ellipsis is allowed only where a `title` holds the whole text;
 * - text, a canvas or a control spilling out of its panel;
 * - a control or a chart larger than the scroll box it lives in (never wholly visible), or a
 *   closed select whose choice is cut;
 * - a chart canvas not sized to its box, or still drawn at an old size after a resize;
 * - text drawn over other text, panels drawn over each other, text smaller than 10 px;
 * - the page scrolling sideways.
 * Text visually hidden for screen readers (the `.sr-only` pattern) is not seen, so not checked.
 * NOTE: self-contained (no imports, no outer names): Playwright sends its source to the page.
 */
export function layoutProblems(): string[] {
  const problems: string[] = [];
  const root = document.documentElement;
  const vw = root.clientWidth;
  const vh = root.clientHeight;
  const name = (el: Element): string => {
    const label = el.getAttribute('aria-label') ?? el.getAttribute('data-testid') ?? (el.id || null) ?? (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 48);
    const cls = typeof el.className === 'string' && el.className ? `.${el.className.split(' ')[0]}` : '';
    return `${el.tagName.toLowerCase()}${cls} "${label}"`;
  };
  /**
   * Text for screen readers only (the standard visually-hidden pattern): taken out of the flow
   * and clipped to nothing on purpose, so it is not content a person was meant to see.
   */
  const visuallyHidden = (s: CSSStyleDeclaration, r: DOMRect): boolean => {
    if (s.position !== 'absolute' && s.position !== 'fixed') return false;
    const clippedAway = s.clipPath === 'inset(50%)' || s.clipPath === 'inset(100%)' || s.clip.replace(/[\s,]|px/g, '') === 'rect(0000)';
    return clippedAway || (r.width <= 1 && r.height <= 1 && s.overflowX !== 'visible' && s.overflowY !== 'visible');
  };
  const shown = (el: Element): boolean => {
    if (el.closest('script, style, [hidden], [aria-hidden="true"]')) return false;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none') return false;
    for (let a: Element | null = el; a && a !== document.body; a = a.parentElement) {
      if (visuallyHidden(getComputedStyle(a), a.getBoundingClientRect())) return false;
    }
    return true;
  };
  type Box = { left: number; top: number; right: number; bottom: number };
  const AXES = [
    { lo: 'left', hi: 'right', client: 'clientWidth', scroll: 'scrollLeft', size: 'scrollWidth', overflow: 'overflowX' },
    { lo: 'top', hi: 'bottom', client: 'clientHeight', scroll: 'scrollTop', size: 'scrollHeight', overflow: 'overflowY' },
  ] as const;

  /**
   * Whether `box` (seen from `start` up) can be brought wholly into view by scrolling; returns
   * the problem or null. `whole`: it must also fit inside each scroll box it is in.
   */
  const reach = (input: Box, start: Element, what: string, whole: boolean): string | null => {
    // NOTE: a DOMRect's sides are getters, which a spread would not copy
    const box = { left: input.left, top: input.top, right: input.right, bottom: input.bottom };
    for (let a: Element | null = start; a && a !== root && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      const r = a.getBoundingClientRect();
      const inner = { left: r.left + a.clientLeft, top: r.top + a.clientTop };
      for (const axis of s.overflowX === 'visible' && s.overflowY === 'visible' ? [] : AXES) {
        const origin = inner[axis.lo];
        const client = a[axis.client];
        const scrolled = a[axis.scroll];
        const lo = box[axis.lo] - origin + scrolled;
        const hi = box[axis.hi] - origin + scrolled;
        const scrollable = s[axis.overflow] === 'auto' || s[axis.overflow] === 'scroll';
        if (scrollable) {
          if (lo < -1) return `${what} lies before the start of ${name(a)}, where no scrollbar reaches`;
          if (whole && hi - lo > client + 1) return `${what} (${Math.round(hi - lo)} px) is larger than the box it scrolls in, ${name(a)} (${client} px)`;
          // from here up, what must be reachable is the scroll box's window
          box[axis.lo] = origin;
          box[axis.hi] = origin + client;
        } else if (lo - scrolled < -1 || hi - scrolled > client + 1) {
          const truncated = a.hasAttribute('title') && s.textOverflow === 'ellipsis';
          if (!truncated) return `${what} is cut by ${name(a)}, which does not scroll`;
          box[axis.lo] = Math.max(box[axis.lo], origin);
          box[axis.hi] = Math.min(box[axis.hi], origin + client);
        }
      }
      if (a.classList.contains('panel') && (box.left < r.left - 1 || box.top < r.top - 1 || box.right > r.right + 1 || box.bottom > r.bottom + 1)) {
        return `${what} spills out of its panel, ${name(a)}`;
      }
    }
    // the page: it scrolls unless the root clips
    const page = getComputedStyle(root);
    const pageScrolls = page.overflowY !== 'hidden' && page.overflowY !== 'clip';
    if (box.left + scrollX < -1 || box.top + scrollY < -1) return `${what} lies above or left of the page`;
    if (!pageScrolls && (box.right > vw + 1 || box.bottom > vh + 1)) return `${what} lies outside the window, and the page does not scroll`;
    return null;
  };

  /** The part of `rect` on screen now: inside the window and every box that clips `el`'s content. */
  const onScreen = (rect: DOMRect, el: Element): Box | null => {
    const v = { left: Math.max(rect.left, 0), top: Math.max(rect.top, 0), right: Math.min(rect.right, vw), bottom: Math.min(rect.bottom, vh) };
    for (let a: Element | null = el; a && a !== root && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const r = a.getBoundingClientRect();
      v.left = Math.max(v.left, r.left + a.clientLeft);
      v.top = Math.max(v.top, r.top + a.clientTop);
      v.right = Math.min(v.right, r.left + a.clientLeft + a.clientWidth);
      v.bottom = Math.min(v.bottom, r.top + a.clientTop + a.clientHeight);
    }
    return v.right > v.left && v.bottom > v.top ? v : null;
  };
  const overlap = (a: Box, b: Box): [number, number] => [Math.min(a.right, b.right) - Math.max(a.left, b.left), Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)];

  // text: every line of every text node
  const lines: { rect: Box; el: Element; node: Node }[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.textContent?.trim() || !shown(el) || el.closest('select')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rect = range.getBoundingClientRect();
    if (!rect.width || !rect.height) continue;
    const text = node.textContent.trim().replace(/\s+/g, ' ');
    const what = `the text "${text.slice(0, 60)}"`;
    const problem = reach(rect, el, what, false);
    if (problem) problems.push(problem);
    const px = Number.parseFloat(getComputedStyle(el).fontSize);
    if (px < 10) problems.push(`${what} is ${px} px, too small to read`);
    for (const line of range.getClientRects()) {
      const seen = line.width > 1 && line.height > 1 ? onScreen(line, el) : null;
      if (seen) lines.push({ rect: seen, el, node });
    }
  }
  // text over text
  for (let i = 0; i < lines.length; i++) {
    for (let j = i + 1; j < lines.length; j++) {
      if (lines[i].node === lines[j].node) continue;
      const [w, h] = overlap(lines[i].rect, lines[j].rect);
      if (w > 2 && h > 3) problems.push(`text overlaps: ${name(lines[i].el)} and ${name(lines[j].el)}`);
    }
  }

  // controls and charts must fit their scroll boxes; other canvases (the weight grid) may scroll
  for (const el of document.body.querySelectorAll('button, input, select, textarea, canvas, svg')) {
    if (!shown(el) || (el instanceof HTMLInputElement && el.type === 'hidden')) continue;
    const rect = el.getBoundingClientRect();
    if (!rect.width || !rect.height) continue;
    const whole = !(el instanceof HTMLCanvasElement) || el.parentElement!.classList.contains('canvas-box');
    const problem = reach(rect, el.parentElement!, name(el), whole);
    if (problem) problems.push(problem);
  }

  // a closed select shows its choice whole (its text is not in the DOM's text nodes)
  const measure = document.createElement('canvas').getContext('2d')!;
  for (const select of document.body.querySelectorAll('select')) {
    const choice = select.selectedOptions[0]?.text;
    if (!choice || !shown(select)) continue;
    const s = getComputedStyle(select);
    measure.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    // NOTE: Chromium draws the drop-down arrow in about 20 px of the right padding box
    const room = select.clientWidth - Number.parseFloat(s.paddingLeft) - Number.parseFloat(s.paddingRight) - 20;
    if (measure.measureText(choice).width > room + 1) problems.push(`${name(select)} shows its choice "${choice}" cut`);
  }

  // charts: the canvas fills its box and was drawn at that size
  for (const canvas of document.body.querySelectorAll<HTMLCanvasElement>('.canvas-box > canvas')) {
    if (!shown(canvas)) continue;
    const box = canvas.parentElement!;
    const r = canvas.getBoundingClientRect();
    const label = canvas.closest('figure')?.getAttribute('aria-label') ?? 'a chart';
    if (Math.abs(r.width - box.clientWidth) > 2 || Math.abs(r.height - box.clientHeight) > 2) {
      problems.push(`chart "${label}" is ${Math.round(r.width)}×${Math.round(r.height)} in a ${box.clientWidth}×${box.clientHeight} box`);
    }
    if (Math.abs(canvas.width - r.width * devicePixelRatio) > 2) problems.push(`chart "${label}" is drawn ${canvas.width} px wide but shown ${Math.round(r.width)} px wide`);
    if (r.width < 200 || r.height < 90) problems.push(`chart "${label}" is only ${Math.round(r.width)}×${Math.round(r.height)} px`);
  }

  // panels side by side never overlap
  const panels = [...document.body.querySelectorAll('.panel')].filter(shown);
  for (let i = 0; i < panels.length; i++) {
    for (let j = i + 1; j < panels.length; j++) {
      if (panels[i].contains(panels[j]) || panels[j].contains(panels[i])) continue;
      const a = onScreen(panels[i].getBoundingClientRect(), panels[i].parentElement!);
      const b = onScreen(panels[j].getBoundingClientRect(), panels[j].parentElement!);
      const [w, h] = a && b ? overlap(a, b) : [0, 0];
      if (w > 1 && h > 1) problems.push(`panels overlap: ${name(panels[i])} and ${name(panels[j])}`);
    }
  }

  if (root.scrollWidth > vw + 1) problems.push(`the page scrolls sideways (${root.scrollWidth} px in a ${vw} px window)`);
  return problems;
}
