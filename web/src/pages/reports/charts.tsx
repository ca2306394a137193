import type { Child } from "hono/jsx";

// Charts drawn on the server as SVG: no script, no inline style (the CSP allows neither), the
// colours from classes in reports.css so the dark scheme applies. The viewBox is narrow enough
// that text stays readable when a 375 px phone scales it down, and wide screens scale it up.
// Each chart is an image with a title and a description; the table beside it has the numbers.

const W = 360;
const r1 = (v: number) => Math.round(v * 10) / 10;

/** A round number at or above `v` (1, 2, 2.5 or 5 × a power of ten), so axis labels read well. */
export function niceCeil(v: number): number {
  if (v <= 0) return 0;
  const power = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= v) return step * power;
  return 10 * power;
}

export type Tone = "a" | "b" | "up" | "down";

export type ChartSeries = {
  name: string;
  tone: Tone;
  /** One per category; null (nothing to measure) and values at or below 0 draw no bar. */
  values: readonly (number | null)[];
  /** Drawn below the zero line (e.g. subscribers who left). */
  below?: boolean;
};

export type ColumnChartProps = {
  id: string;
  title: string;
  desc: string;
  categories: readonly { label: string; full: string }[];
  series: readonly ChartSeries[];
  /** The exact value, for tooltips. */
  format: (v: number | null) => string;
  /** A short value, for the axis. */
  axis: (v: number) => string;
  /** A fixed top of the scale (100 % for rates); else a round number above the largest value. */
  max?: number;
  /** Counts: no axis line at a fraction (½ of 1 subscriber). */
  integer?: boolean;
  /** Shown under the chart: usually the legend. */
  caption?: Child;
};

/** Columns per category (months), several series side by side, some of them below the line. */
export function ColumnChart(props: ColumnChartProps) {
  const H = 190;
  const left = 44;
  const right = 6;
  const top = 10;
  const bottom = 24;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const above = props.series.filter((s) => !s.below);
  const belowSeries = props.series.filter((s) => s.below);
  const peak = (list: readonly ChartSeries[]) => Math.max(0, ...list.flatMap((s) => s.values.map((v) => v ?? 0)));
  const upMax = props.max ?? (niceCeil(peak(above)) || 1);
  const downMax = belowSeries.length > 0 ? niceCeil(peak(belowSeries)) || 1 : 0;
  const unit = plotH / (upMax + downMax);
  const zeroY = top + upMax * unit;
  const n = Math.max(props.categories.length, 1);
  const slot = plotW / n;
  const columns = Math.max(above.length, belowSeries.length, 1);
  const groupW = slot * 0.72;
  const barW = groupW / columns;
  const ticks: { y: number; label: string }[] = [
    { y: zeroY, label: props.axis(0) },
    ...(props.integer && !Number.isInteger(upMax / 2)
      ? []
      : [{ y: zeroY - (upMax / 2) * unit, label: props.axis(upMax / 2) }]),
    { y: top, label: props.axis(upMax) },
  ];
  if (downMax > 0) ticks.push({ y: H - bottom, label: `−${props.axis(downMax)}` });

  const bars = (list: readonly ChartSeries[], down: boolean) =>
    list.map((s, k) =>
      s.values.map((v, i) => {
        const category = props.categories[i];
        if (v === null || v <= 0 || !category) return null;
        const h = Math.max(v * unit, 1);
        const x = left + i * slot + (slot - groupW) / 2 + k * barW;
        return (
          <rect
            class={`chart-bar chart-tone-${s.tone}`}
            x={r1(x)}
            y={r1(down ? zeroY : zeroY - h)}
            width={r1(Math.max(barW - 1, 1))}
            height={r1(h)}
          >
            <title>{`${category.full} · ${s.name}: ${props.format(v)}`}</title>
          </rect>
        );
      }),
    );

  return (
    <figure class="chart-figure">
      <svg
        class="chart"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${props.id}-title ${props.id}-desc`}
        id={props.id}
      >
        <title id={`${props.id}-title`}>{props.title}</title>
        <desc id={`${props.id}-desc`}>{props.desc}</desc>
        {ticks.map((tick) => (
          <g>
            <line class="chart-grid" x1={left} x2={W - right} y1={r1(tick.y)} y2={r1(tick.y)} />
            <text class="chart-tick" x={left - 4} y={r1(tick.y + 3.5)} text-anchor="end">
              {tick.label}
            </text>
          </g>
        ))}
        {bars(above, false)}
        {bars(belowSeries, true)}
        <line class="chart-axis" x1={left} x2={W - right} y1={r1(zeroY)} y2={r1(zeroY)} />
        {props.categories.map((c, i) => (
          <text class="chart-label" x={r1(left + i * slot + slot / 2)} y={H - 8} text-anchor="middle">
            {c.label}
          </text>
        ))}
      </svg>
      {props.caption ? <figcaption>{props.caption}</figcaption> : null}
    </figure>
  );
}

export type BarRow = { label: string; value: number; text: string; tone: string; full: string };

/** Horizontal bars, one per row (aging buckets): label, bar, value — readable on a phone. */
export function BarList(props: { id: string; title: string; desc: string; rows: readonly BarRow[]; caption?: Child }) {
  const rowH = 30;
  const labelW = 128;
  const valueW = 64;
  const H = props.rows.length * rowH + 4;
  const barMax = W - labelW - valueW - 8;
  const peak = Math.max(0, ...props.rows.map((row) => row.value)) || 1;
  return (
    <figure class="chart-figure">
      <svg
        class="chart"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${props.id}-title ${props.id}-desc`}
        id={props.id}
      >
        <title id={`${props.id}-title`}>{props.title}</title>
        <desc id={`${props.id}-desc`}>{props.desc}</desc>
        {props.rows.map((row, i) => {
          const y = i * rowH + 2;
          const w = row.value > 0 ? Math.max((row.value / peak) * barMax, 1) : 0;
          return (
            <g>
              <text class="chart-label" x={0} y={y + 19}>
                {row.label}
              </text>
              <rect class="chart-track" x={labelW} y={y + 8} width={barMax} height={14} />
              {w > 0 ? (
                <rect class={`chart-bar chart-tone-${row.tone}`} x={labelW} y={y + 8} width={r1(w)} height={14}>
                  <title>{row.full}</title>
                </rect>
              ) : null}
              <text class="chart-value" x={W} y={y + 19} text-anchor="end">
                {row.text}
              </text>
            </g>
          );
        })}
      </svg>
      {props.caption ? <figcaption>{props.caption}</figcaption> : null}
    </figure>
  );
}

/** The key of a chart's colours, as HTML under it. */
export function Legend(props: { items: readonly { name: string; tone: string }[] }) {
  return (
    <ul class="chart-legend">
      {props.items.map((item) => (
        <li>
          <span class={`chart-swatch chart-tone-${item.tone}`} aria-hidden="true" />
          {item.name}
        </li>
      ))}
    </ul>
  );
}
