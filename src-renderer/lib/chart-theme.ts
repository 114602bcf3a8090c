/** Colours of the charts in each theme (the page's CSS variables hold the same values). */

export type SeriesColor = 'loss' | 'smooth' | 'train' | 'test' | 'val' | 'baseline' | 'lr' | 'batchAccuracy' | 'clipped';

export interface ChartTheme {
  text: string;
  muted: string;
  grid: string;
  tooltipBg: string;
  series: Record<SeriesColor, string>;
}

const dark: ChartTheme = {
  text: '#d8dde6',
  muted: '#8a93a3',
  grid: 'rgba(255,255,255,0.07)',
  tooltipBg: '#1d222b',
  series: {
    loss: 'rgba(110,168,254,0.35)',
    smooth: '#6ea8fe',
    train: '#f0a04b',
    test: '#43c59e',
    val: '#c48cf5',
    baseline: '#8a93a3',
    lr: '#e6c15a',
    batchAccuracy: 'rgba(240,160,75,0.32)',
    clipped: '#f06a6a',
  },
};

const light: ChartTheme = {
  text: '#1f2630',
  muted: '#5d6878',
  grid: 'rgba(0,0,0,0.08)',
  tooltipBg: '#ffffff',
  series: {
    loss: 'rgba(37,99,235,0.28)',
    smooth: '#2563eb',
    train: '#d9771a',
    test: '#14946d',
    val: '#8b4fd1',
    baseline: '#6b7585',
    lr: '#b7870f',
    batchAccuracy: 'rgba(217,119,26,0.26)',
    clipped: '#d03b3b',
  },
};

/** The palette for a theme. */
export function chartTheme(isDark: boolean): ChartTheme {
  return isDark ? dark : light;
}

/** chart.js tooltip colours for a theme, shared by every chart (labels are each chart's own). */
export function tooltipStyle(theme: ChartTheme) {
  return { backgroundColor: theme.tooltipBg, titleColor: theme.text, bodyColor: theme.text, borderColor: theme.grid, borderWidth: 1 };
}
