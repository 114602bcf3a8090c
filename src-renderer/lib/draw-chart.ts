/** One way to draw a chart.js chart from a config that changes: the line charts of every view share it. */
import { Chart, type ChartConfiguration, type ChartType, type DefaultDataPoint, type UpdateMode } from 'chart.js';

/**
 * Create the chart on first use, else swap in the new datasets and options and redraw.
 * NOTE: test DOMs (happy-dom) have no 2D context: there the chart is simply not drawn (null).
 * @param mode chart.js update mode ('none': no animation)
 */
export function drawChart<T extends ChartType, D = DefaultDataPoint<T>>(
  chart: Chart<T, D> | null,
  canvas: HTMLCanvasElement,
  next: ChartConfiguration<T, D>,
  mode?: UpdateMode,
): Chart<T, D> | null {
  if (!chart) {
    const context = canvas.getContext?.('2d');
    return context ? new Chart(context, next) : null;
  }
  chart.data.datasets = next.data.datasets;
  chart.options = next.options!;
  chart.update(mode);
  return chart;
}
