import { escapeHtml } from '@kitajs/html';
import { completionRate, type DayFigures, RECOVERY_CHANNELS } from '../dashboard.js';
import { Chart, type Series } from './charts.js';
import { AdminLayout, type AdminPageBase } from './layout.js';

export function DashboardPage(p: AdminPageBase & { readonly figures: readonly DayFigures[] }): JSX.Element {
  const { ctx, figures } = p;
  const t = ctx.t.admin.dashboard;
  const s = t.series;
  const days = figures.map((f) => f.day);
  const summary = (series: readonly Series[]) => {
    const values = series.flatMap((x) => x.values.filter((v): v is number => v !== null));
    return t.chartSummary({ total: values.reduce((a, b) => a + b, 0), max: Math.max(0, ...values) });
  };
  const col = (pick: (f: DayFigures) => number) => figures.map(pick);
  const charts: {
    id: string;
    title: string;
    kind: 'bars' | 'lines';
    series: Series[];
    max?: number;
    summary?: string;
  }[] = [
    {
      id: 'chart-sign-ins',
      title: t.charts.signIns,
      kind: 'bars',
      series: [
        { label: s.signIns, values: col((f) => f.signIns), tone: 1 },
        { label: s.failures, values: col((f) => f.failures), tone: 2 },
      ],
    },
    {
      id: 'chart-locks',
      title: t.charts.locks,
      kind: 'bars',
      series: [{ label: s.locks, values: col((f) => f.locks), tone: 2 }],
    },
    {
      id: 'chart-recoveries',
      title: t.charts.recoveries,
      kind: 'bars',
      series: RECOVERY_CHANNELS.map((c, i) => ({
        label: s[c],
        values: col((f) => f.recoveries[c].started),
        tone: (i + 1) as 1 | 2 | 3,
      })),
    },
    {
      id: 'chart-completion',
      title: t.charts.completion,
      kind: 'lines',
      max: 100,
      summary: t.rateSummary,
      series: RECOVERY_CHANNELS.map((c, i) => ({
        label: s[c],
        values: figures.map((f) => completionRate(f.recoveries[c])),
        tone: (i + 1) as 1 | 2 | 3,
      })),
    },
    {
      id: 'chart-messages',
      title: t.charts.messages,
      kind: 'bars',
      series: [
        { label: s.sent, values: col((f) => f.messagesSent), tone: 1 },
        { label: s.failed, values: col((f) => f.messagesFailed), tone: 2 },
      ],
    },
    {
      id: 'chart-letters',
      title: t.charts.letters,
      kind: 'lines',
      series: [
        { label: s.pending, values: col((f) => f.lettersPending), tone: 1 },
        { label: s.late, values: col((f) => f.lettersLate), tone: 2 },
      ],
    },
  ];
  const rate = (v: number | null) => (v === null ? t.noRate : t.percent({ value: v }));
  return (
    <AdminLayout ctx={ctx} staff={p.staff} csrf={p.csrf} title={t.title} section="dashboard">
      <h1>{escapeHtml(t.title)}</h1>
      <p class="lead">{escapeHtml(t.intro)}</p>
      <div class="charts">
        {charts.map((c) => (
          <Chart
            id={c.id}
            title={c.title}
            kind={c.kind}
            days={days}
            series={c.series}
            max={c.max}
            summary={c.summary ?? summary(c.series)}
          />
        ))}
      </div>
      <h2 id="figures-title">{escapeHtml(t.tableTitle)}</h2>
      <section class="table-wrap" aria-labelledby="figures-title" tabindex="0">
        <table class="figures">
          <caption>{escapeHtml(t.tableCaption)}</caption>
          <thead>
            <tr>
              <th scope="col">{escapeHtml(t.day)}</th>
              <th scope="col">{escapeHtml(s.signIns)}</th>
              <th scope="col">{escapeHtml(s.failures)}</th>
              <th scope="col">{escapeHtml(s.locks)}</th>
              {RECOVERY_CHANNELS.map((c) => (
                <>
                  <th scope="col" safe>
                    {t.started({ channel: s[c] })}
                  </th>
                  <th scope="col" safe>
                    {t.rate({ channel: s[c] })}
                  </th>
                </>
              ))}
              <th scope="col">{escapeHtml(s.sent)}</th>
              <th scope="col">{escapeHtml(s.failed)}</th>
              <th scope="col">{escapeHtml(s.pending)}</th>
              <th scope="col">{escapeHtml(s.late)}</th>
            </tr>
          </thead>
          <tbody>
            {figures.map((f) => (
              <tr>
                <th scope="row" safe>
                  {f.day}
                </th>
                <td safe>{String(f.signIns)}</td>
                <td safe>{String(f.failures)}</td>
                <td safe>{String(f.locks)}</td>
                {RECOVERY_CHANNELS.map((c) => (
                  <>
                    <td safe>{String(f.recoveries[c].started)}</td>
                    <td safe>{rate(completionRate(f.recoveries[c]))}</td>
                  </>
                ))}
                <td safe>{String(f.messagesSent)}</td>
                <td safe>{String(f.messagesFailed)}</td>
                <td safe>{String(f.lettersPending)}</td>
                <td safe>{String(f.lettersLate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </AdminLayout>
  );
}
