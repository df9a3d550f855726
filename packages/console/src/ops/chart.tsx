// ECharts, tree-shaken: only the line, bar and pie charts, their components and the canvas renderer are
// bundled (echarts/core), not the whole library.

import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/** A chart with a text alternative: `label` names it for screen readers, `summary` says what it shows. */
export function Chart({
  option,
  label,
  summary,
  height = 260,
}: {
  option: ChartOption;
  label: string;
  summary: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);
  useEffect(() => {
    if (!box.current) return;
    const c = echarts.init(box.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const onResize = () => c.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      c.dispose();
      chart.current = undefined;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ animation: false, ...option }, true);
  }, [option]);
  return (
    <figure className="chart" aria-label={label}>
      <div ref={box} style={{ height }} aria-hidden="true" />
      <figcaption className="visually-hidden">{summary}</figcaption>
    </figure>
  );
}
