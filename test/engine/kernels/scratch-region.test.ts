import { afterAll, describe, expect, it } from 'vitest';
import { scratchScope, setKernels, zeros } from '../../../src-engine/kernels/kernels';
import { jsKernels } from '../../../src-engine/kernels/js-kernels';
import { ScratchRegion } from '../../../src-engine/kernels/wasm/scratch-region';
import { WasmHeap } from '../../../src-engine/kernels/wasm/wasm-heap';
import { createWasmKernels } from '../../../src-engine/kernels/wasm/wasm-kernels';

const heap = () => new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 64, shared: true }), 256, 64, 1 << 20);

/** One scope that asks for `length` values, so that the region reserves room for them. */
function sizeFor(r: ScratchRegion, length: number): void {
  const mark = r.open();
  r.take(length, false);
  r.close(mark);
}

describe('ScratchRegion', () => {
  it('hands out nothing outside a scope', () => {
    expect(new ScratchRegion(heap()).take(4, true)).toBeNull();
  });

  it('sizes itself to what a scope asked for, then serves the same demand from wasm memory', () => {
    const h = heap();
    const r = new ScratchRegion(h);
    let mark = r.open();
    expect(r.take(1000, true)).toBeNull(); // nothing reserved yet: the caller uses a plain array
    expect(r.take(24, true)).toBeNull();
    r.close(mark);
    mark = r.open();
    const a = r.take(1000, true)!;
    const b = r.take(24, false)!;
    expect(h.owns(a) && h.owns(b)).toBe(true);
    expect(a.length).toBe(1000);
    expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + 8000); // no overlap
    expect(a.byteOffset % 64).toBe(0);
    expect(b.byteOffset % 64).toBe(0);
    a.fill(3);
    r.close(mark);
    mark = r.open();
    const again = r.take(1000, true)!;
    expect(again.byteOffset).toBe(a.byteOffset); // the same bytes, reused
    expect(again.every((v) => v === 0)).toBe(true); // and zeroed when asked
    r.close(mark);
  });

  it('grows no further than its limit, and serves what does not fit as plain arrays', () => {
    const h = heap();
    const r = new ScratchRegion(h, false, 64 * 1024);
    sizeFor(r, 100_000); // 800 kB wanted, 64 KiB allowed
    const mark = r.open();
    const small = r.take(1000, true)!;
    expect(h.owns(small)).toBe(true);
    expect(r.take(100_000, true)).toBeNull();
    r.close(mark);
    expect(h.memory.buffer.byteLength).toBeLessThan(256 * 1024);
  });

  it('sizes itself to the peak of nested scopes, not the sum of what they took', () => {
    const h = heap();
    const r = new ScratchRegion(h);
    const pattern = (): boolean[] => {
      const outer = r.open();
      const got = [r.take(100, false)];
      for (let i = 0; i < 3; i++) {
        const inner = r.open();
        got.push(r.take(200, false));
        r.close(inner);
      }
      r.close(outer);
      return got.map((v) => v !== null && h.owns(v));
    };
    pattern();
    expect(pattern()).toEqual([true, true, true, true]); // all of it from the memory the second time
    expect(h.memory.buffer.byteLength).toBeLessThanOrEqual(65536); // 300 values' worth, not 700
  });

  it('nests: an inner scope frees only what it took', () => {
    const r = new ScratchRegion(heap());
    sizeFor(r, 300);
    const outer = r.open();
    const kept = r.take(100, false)!;
    kept.fill(1);
    const inner = r.open();
    const temp = r.take(100, false)!;
    expect(temp.byteOffset).toBeGreaterThan(kept.byteOffset);
    r.close(inner);
    expect(r.take(100, false)!.byteOffset).toBe(temp.byteOffset);
    expect(kept.every((v) => v === 1)).toBe(true);
    r.close(outer);
  });

  it('poisons what a scope freed, when asked (so tests catch a buffer kept too long)', () => {
    const r = new ScratchRegion(heap(), true);
    sizeFor(r, 8);
    const mark = r.open();
    const v = r.take(8, true)!;
    v.fill(2);
    r.close(mark);
    expect(v.every(Number.isNaN)).toBe(true);
  });
});

describe('zeros() and scratchScope()', () => {
  afterAll(() => setKernels(jsKernels));

  it('give plain zeroed arrays with the TypeScript kernels, scope or not', () => {
    setKernels(jsKernels);
    expect(scratchScope(() => zeros(3))).toEqual(new Float64Array(3));
  });

  it('give wasm memory inside a scope of a wasm backend, plain arrays outside, and free on throw', () => {
    setKernels(createWasmKernels()!);
    expect(zeros(4).buffer).toBeInstanceOf(ArrayBuffer);
    scratchScope(() => zeros(64)); // sizes the arena
    const inside = scratchScope(() => zeros(64).buffer);
    expect(inside).toBeInstanceOf(SharedArrayBuffer);
    let offset = -1;
    expect(() => scratchScope(() => {
      offset = zeros(64).byteOffset;
      throw new Error('boom');
    })).toThrow('boom');
    expect(scratchScope(() => zeros(64).byteOffset)).toBe(offset); // the throw freed it
  });

  it('refuses an async function, whose awaited part would run after the scope closed', () => {
    setKernels(createWasmKernels()!);
    expect(() => scratchScope(async () => zeros(4))).toThrow('scratchScope takes a synchronous function');
  });
});
