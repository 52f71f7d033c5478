/**
 * A grouped bar chart drawn by Apache ECharts. Only this module imports echarts, and the
 * Reports page loads it with React.lazy, so the chart library is a chunk of its own that
 * the console's first screen never downloads. Only the parts used are registered (bars,
 * grid, tooltip, legend, canvas), which keeps that chunk small too.
 */
import { useEffect, useRef } from 'react';
import { BarChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

export interface TChartSeries {
  name: string;
  values: (number | null)[];
}

export interface TChartProps {
  /** What the chart shows, for screen readers (the table below it has the figures). */
  label: string;
  categories: string[];
  series: TChartSeries[];
  /** A phone-width screen: bars run horizontally so long stage names stay readable. */
  horizontal: boolean;
}

const COLOURS = ['#1f5fbf', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0e7490'];

export default function ReportChart({ label, categories, series, horizontal }: TChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);

  useEffect(() => {
    const el = host.current!;
    const c = init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const category = { type: 'category' as const, data: categories, axisLabel: { interval: 0, hideOverlap: true } };
    const value = { type: 'value' as const };
    chart.current?.setOption(
      {
        aria: { enabled: true, label: { description: label } },
        color: COLOURS,
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        xAxis: horizontal ? value : { ...category, axisLabel: { ...category.axisLabel, rotate: categories.length > 5 ? 30 : 0 } },
        yAxis: horizontal ? { ...category, inverse: true } : value,
        series: series.map((s) => ({ type: 'bar', name: s.name, data: s.values })),
      },
      { notMerge: true },
    );
  }, [label, categories, series, horizontal]);

  const height = horizontal ? Math.max(220, 60 + categories.length * series.length * 14) : 320;
  return <div ref={host} role="img" aria-label={label} className="report-chart" style={{ height }} data-testid="report-chart" />;
}
