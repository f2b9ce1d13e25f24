// Server-rendered SVG charts: no script, no inline style (the CSP forbids both); colours come from classes
// in site.css. The chart is one picture with a title and a summary for screen readers; the figures
// themselves are in the table under the charts (WCAG 1.1.1: the table is the text alternative).

export interface Series {
  readonly label: string;
  /** null: no value that day (a gap in a line). */
  readonly values: readonly (number | null)[];
  /** 1 to 4: the colour class `chart__s<n>` in site.css. */
  readonly tone: 1 | 2 | 3 | 4;
}

export interface ChartProps {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  /** Labels of the x axis, one per value (YYYY-MM-DD). */
  readonly days: readonly string[];
  readonly series: readonly Series[];
  readonly kind: 'bars' | 'lines';
  /** Fixed top of the scale (100 for percentages); otherwise a round number above the largest value. */
  readonly max?: number;
}

const W = 640;
const H = 220;
const PAD = { left: 44, right: 8, top: 10, bottom: 28 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;

/** 1, 2 or 5 times a power of ten, at least `value` (a readable top of scale). */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) if (m * power >= value) return m * power;
  return 10 * power;
}

const round = (n: number): string => String(Math.round(n * 10) / 10);

function shortDay(key: string): string {
  const [, m, d] = key.split('-');
  return `${d}/${m}`;
}

export function Chart(p: ChartProps): JSX.Element {
  const all = p.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const top = p.max ?? niceCeiling(Math.max(0, ...all));
  const n = p.days.length;
  const band = PLOT_W / Math.max(n, 1);
  const x = (i: number) => PAD.left + i * band;
  const y = (v: number) => PAD.top + PLOT_H - (Math.min(v, top) / top) * PLOT_H;
  // Counts have no half-units: the middle line only where it is a whole number (or a percentage).
  const ticks = Number.isInteger(top / 2) ? [0, top / 2, top] : [0, top];
  const barWidth = (band * 0.8) / Math.max(p.series.length, 1);
  return (
    <figure class="chart" aria-labelledby={`${p.id}-caption`}>
      <figcaption id={`${p.id}-caption`} safe>
        {p.title}
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        class="chart__svg"
        role="img"
        aria-labelledby={`${p.id}-title ${p.id}-desc`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={`${p.id}-title`} safe>
          {p.title}
        </title>
        <desc id={`${p.id}-desc`} safe>
          {p.summary}
        </desc>
        {ticks.map((v) => (
          <g class="chart__tick">
            <line x1={PAD.left} x2={W - PAD.right} y1={round(y(v))} y2={round(y(v))} />
            <text x={PAD.left - 6} y={round(y(v) + 4)} text-anchor="end" safe>
              {round(v)}
            </text>
          </g>
        ))}
        {p.days.map((d, i) =>
          i % 5 === 0 || i === n - 1 ? (
            <text class="chart__day" x={round(x(i) + band / 2)} y={H - 8} text-anchor="middle" safe>
              {shortDay(d)}
            </text>
          ) : (
            ''
          ),
        )}
        {p.kind === 'bars'
          ? p.series.map((s, si) => (
              <g class={`chart__s${s.tone}`}>
                {s.values.map((v, i) =>
                  v === null || v === 0 ? (
                    ''
                  ) : (
                    <rect
                      x={round(x(i) + band * 0.1 + si * barWidth)}
                      y={round(y(v))}
                      width={round(barWidth)}
                      height={round(PAD.top + PLOT_H - y(v))}
                    >
                      <title safe>{`${p.days[i]} — ${s.label} : ${v}`}</title>
                    </rect>
                  ),
                )}
              </g>
            ))
          : p.series.map((s) => (
              <g class={`chart__s${s.tone} chart__line`}>
                {segments(s.values).map((seg) => (
                  <polyline
                    points={seg.map((i) => `${round(x(i) + band / 2)},${round(y(s.values[i]!))}`).join(' ')}
                  />
                ))}
                {s.values.map((v, i) =>
                  v === null ? (
                    ''
                  ) : (
                    <circle cx={round(x(i) + band / 2)} cy={round(y(v))} r="2.5">
                      <title safe>{`${p.days[i]} — ${s.label} : ${v}`}</title>
                    </circle>
                  ),
                )}
              </g>
            ))}
      </svg>
      <ul class="chart__legend">
        {p.series.map((s) => (
          <li>
            <span class={`chart__swatch chart__s${s.tone}`} aria-hidden="true" />
            <span safe>{s.label}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** Runs of consecutive non-null indexes: a line is not drawn across days without a value. */
function segments(values: readonly (number | null)[]): number[][] {
  const out: number[][] = [];
  let run: number[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (run.length) out.push(run);
      run = [];
    } else run.push(i);
  });
  if (run.length) out.push(run);
  return out;
}
