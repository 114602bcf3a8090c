/**
 * The one code display of the app: CodeMirror 6, read-only or editable, TypeScript highlighted,
 * with an optional band of highlighted lines. Its colours are the app's CSS variables (the
 * --code-* ones in app.css), which inherit into it, so it follows the light or dark theme.
 * NOTE: the editor lives in a shadow root. There CodeMirror adds its styles as constructed style
 * sheets (adoptedStyleSheets), which the page's Content-Security-Policy (style-src 'self', no
 * 'unsafe-inline') allows; in the document itself it would add <style> elements, which it blocks.
 */
import { javascript } from '@codemirror/lang-javascript';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorState, RangeSetBuilder, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, type DecorationSet, EditorView, lineNumbers } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';
import { minimalSetup } from 'codemirror';

/** Lines from..to, 1-based and inclusive. */
export interface LineRange {
  from: number;
  to: number;
}

export interface CodeOptions {
  doc: string;
  /** Default true: a display, not an editor. */
  readOnly?: boolean;
  language?: 'typescript' | 'javascript' | 'text';
  /** Called with the whole text after each edit (editable only). */
  onChange?: (doc: string) => void;
  /** Lines to mark, scrolled into view. */
  highlight?: LineRange | null;
  /** Accessible name of the code area. */
  label?: string;
}

export interface CodeHandle {
  readonly view: EditorView;
  /** Replace the text (and the marked lines, if given). */
  setDoc(doc: string, highlight?: LineRange | null): void;
  /** Mark other lines (null: none), scrolling the first into view. */
  setHighlight(highlight: LineRange | null): void;
  getDoc(): string;
  destroy(): void;
}

const setBand = StateEffect.define<LineRange | null>();
const bandLine = Decoration.line({ class: 'cm-band' });

/** The marked lines, kept through edits of the text (clamped to it). */
const band = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setBand)) return bandDecorations(tr.state, e.value);
    return value.map(tr.changes);
  },
  provide: (f) => EditorView.decorations.from(f),
});

function bandDecorations(state: EditorState, range: LineRange | null): DecorationSet {
  if (!range) return Decoration.none;
  const builder = new RangeSetBuilder<Decoration>();
  const last = state.doc.lines;
  for (let n = Math.max(1, range.from); n <= Math.min(last, range.to); n++) {
    const line = state.doc.line(n);
    builder.add(line.from, line.from, bandLine);
  }
  return builder.finish();
}

const theme = EditorView.theme({
  '&': { color: 'var(--text)', backgroundColor: 'var(--panel-2)', fontSize: '12px', borderRadius: '6px', height: '100%' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-gutters': { backgroundColor: 'transparent', color: 'var(--faint)', border: 'none' },
  '.cm-band': { backgroundColor: 'var(--code-band)', boxShadow: 'inset 3px 0 0 var(--accent)' },
  '&.cm-focused': { outline: '2px solid var(--focus)' },
  '.cm-activeLine': { backgroundColor: 'transparent' },
});

const colours = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.moduleKeyword, t.definitionKeyword, t.operatorKeyword], color: 'var(--code-keyword)' },
  { tag: [t.function(t.variableName), t.function(t.propertyName), t.definition(t.function(t.variableName))], color: 'var(--code-name)' },
  { tag: [t.typeName, t.className, t.bool, t.null], color: 'var(--code-type)' },
  { tag: [t.string, t.regexp], color: 'var(--code-string)' },
  { tag: t.number, color: 'var(--code-number)' },
  { tag: [t.comment, t.lineComment, t.blockComment, t.docComment], color: 'var(--code-comment)', fontStyle: 'italic' },
  { tag: [t.operator, t.arithmeticOperator, t.compareOperator, t.logicOperator], color: 'var(--code-operator)' },
]);

function languageOf(language: CodeOptions['language']): Extension {
  if (language === 'text') return [];
  return javascript({ typescript: language !== 'javascript' });
}

/**
 * Show code in `parent`, an element kept for it (the code goes into its shadow root, made if it has none).
 * @returns a handle to change the text or the marked lines, and to remove the editor
 */
export function mountCode(parent: HTMLElement, options: CodeOptions): CodeHandle {
  const readOnly = options.readOnly ?? true;
  const root = parent.shadowRoot ?? parent.attachShadow({ mode: 'open' });
  const view = new EditorView({
    parent: root,
    root,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        readOnly ? [] : minimalSetup,
        // NOTE: code to read wraps, so that a narrow panel (the Step inside view at 1024 px) cuts no line off.
        readOnly ? EditorView.lineWrapping : [],
        lineNumbers(),
        languageOf(options.language ?? 'typescript'),
        syntaxHighlighting(colours),
        theme,
        band,
        EditorState.readOnly.of(readOnly),
        EditorView.editable.of(!readOnly),
        EditorView.contentAttributes.of({ 'aria-label': options.label ?? 'code' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) options.onChange?.(u.state.doc.toString());
        }),
      ],
    }),
  });
  const handle: CodeHandle = {
    view,
    setDoc(doc, highlight) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: doc } });
      if (highlight !== undefined) handle.setHighlight(highlight);
    },
    setHighlight(highlight) {
      const effects: StateEffect<unknown>[] = [setBand.of(highlight)];
      if (highlight && highlight.from <= view.state.doc.lines) {
        const line = view.state.doc.line(Math.max(1, highlight.from));
        effects.push(EditorView.scrollIntoView(line.from, { y: 'start', yMargin: 24 }));
      }
      view.dispatch({ effects });
    },
    getDoc: () => view.state.doc.toString(),
    destroy: () => view.destroy(),
  };
  if (options.highlight) handle.setHighlight(options.highlight);
  return handle;
}
