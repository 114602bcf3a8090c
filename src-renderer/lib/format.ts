/** Number and time formatting for the dashboard. */

/** 0.97341 -> "97.34%"; null -> "–" */
export function percent(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(digits)}%`;
}

/**
 * A probability as a percent with the digits it takes to tell it from 0% and 100%:
 * 0.0221 -> "2.21%", 0.99998 -> "99.9980%" (not "100.00%", which reads as a certainty).
 */
export function closePercent(p: number): string {
  if (!Number.isFinite(p)) return '–';
  const gap = Math.min(p, 1 - p) * 100;
  const digits = gap > 0 ? Math.min(10, Math.max(2, Math.ceil(-Math.log10(gap)) + 1)) : 2;
  return `${(p * 100).toFixed(digits)}%`;
}

/** A share as a whole percent, or with two significant digits below 1% (0.00001 -> "0.001%", never "0%"). */
export function share(x: number): string {
  const p = x * 100;
  return p >= 1 || p === 0 ? `${Math.round(p)}%` : `${Number(p.toPrecision(2))}%`;
}

/** 65 -> "1 m 05 s", 3725 -> "1 h 02 m", 4.2 -> "4.2 s" */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  // NOTE: a run of a fraction of a second is not "0 s": under 10 s one decimal is shown
  if (seconds < 9.95) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}

/** 101770 -> "101,770" */
export function count(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : Math.round(n).toLocaleString('en-US');
}

/** 12345 -> "12.3k", 950 -> "950", 2.5e6 -> "2.50M" */
export function compact(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return `${Math.round(n)}`;
}

/** An axis tick: 0.0123 -> "0.0123", 1500 -> "1.5k", 2.5e6 -> "2.5M", 1e9 -> "1e+9" (never "1000000k"). */
export function axisNumber(n: number): string {
  const a = Math.abs(n);
  if (a < 1000) return String(Math.round(n * 1e4) / 1e4);
  if (a < 1e6) return `${Number((n / 1e3).toPrecision(3))}k`;
  if (a < 1e9) return `${Number((n / 1e6).toPrecision(3))}M`;
  return n.toExponential(1).replace('.0e', 'e');
}

/** A loss value: 4 significant digits, "NaN"/"∞" shown as such. */
export function loss(x: number | null | undefined): string {
  if (x === null || x === undefined) return '–';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  return x.toPrecision(4);
}

/** A kernel backend's name (src-engine/kernels) in words: "wasm-relaxed-simd-2t" -> "WebAssembly SIMD with fused multiply-add". */
export function kernelsLabel(name: string): string {
  if (name.startsWith('wasm-relaxed-simd')) return 'WebAssembly SIMD with fused multiply-add';
  if (name.startsWith('wasm-simd')) return 'WebAssembly SIMD';
  if (name === 'typescript') return 'TypeScript (no WebAssembly SIMD here)';
  return name;
}
