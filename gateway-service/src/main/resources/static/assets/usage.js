// Usage charts for admins: requests per user, tokens per model and latency per model,
// bucketed over time by assistant-service's /api/admin/usage, drawn with uPlot.
import uPlot from '/webjars/uplot/dist/uPlot.esm.js';
import { api } from './api.js';
import { h, fill } from './dom.js';

const PALETTE = ['#1d4ed8', '#b42318', '#1a7f37', '#8250df', '#bc4c00', '#0e7490', '#57606a', '#c026d3'];

/** Draws the charts into the element, for the period the select names; returns a stop function. */
export function usageCharts(target, period) {
  let plots = [];
  const draw = async () => {
    plots.forEach((plot) => plot.destroy());
    plots = [];
    fill(target, h('p', { class: 'hint' }, 'Loading usage…'));
    try {
      const [usage, users] = await Promise.all([
        api('GET', `/api/admin/usage?days=${period.value}`),
        api('GET', '/api/admin/users').catch(() => []),
      ]);
      const names = new Map(users.map((u) => [u.id, u.username]));
      if (!usage.rows.length) {
        fill(target, h('p', { class: 'hint', id: 'usage-empty' }, 'No questions asked in this period yet.'));
        return;
      }
      fill(target);
      const span = [Date.parse(usage.since) / 1000, Date.now() / 1000];
      plots.push(chart(target, 'Requests per user', usage, span, (r) => names.get(r.user) || r.user, (r) => r.requests));
      plots.push(chart(target, 'Tokens per model', usage, span, (r) => r.model, (r) => r.promptTokens + r.completionTokens));
      plots.push(chart(target, 'Median latency per model (ms)', usage, span, (r) => r.model, (r) => r.latencyP50Ms, true));
      target.append(totals(usage, names));
    } catch (error) {
      fill(target, h('p', { class: 'error', role: 'alert' }, error.message));
    }
  };
  period.addEventListener('change', draw);
  draw();
  return () => plots.forEach((plot) => plot.destroy());
}

function chart(target, title, usage, span, seriesOf, valueOf, average = false) {
  const times = [...new Set(usage.rows.map((r) => Date.parse(r.bucket) / 1000))].sort((a, b) => a - b);
  const keys = [...new Set(usage.rows.map(seriesOf))];
  const columns = keys.map(() => times.map(() => null));
  const counts = keys.map(() => times.map(() => 0));
  for (const row of usage.rows) {
    const s = keys.indexOf(seriesOf(row));
    const t = times.indexOf(Date.parse(row.bucket) / 1000);
    const value = valueOf(row);
    if (value == null) continue;
    columns[s][t] = (columns[s][t] || 0) + value;
    counts[s][t] += 1;
  }
  if (average) {
    columns.forEach((column, s) => column.forEach((v, t) => { if (v != null) column[t] = Math.round(v / counts[s][t]); }));
  }
  const box = h('figure', { class: 'chart card', 'aria-label': title }, h('h3', {}, title));
  target.append(box);
  return new uPlot({
    width: Math.max(260, box.clientWidth - 34), height: 220,
    series: [{}, ...keys.map((key, i) => ({ label: key, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: true, points: { show: true } }))],
    axes: [{}, { size: 60 }],
    scales: { x: { time: true, range: () => span } },
  }, [times, ...columns], box);
}

function totals(usage, names) {
  const byKey = new Map();
  for (const row of usage.rows) {
    const key = `${row.user}\u0000${row.model}`;
    const sum = byKey.get(key) || { user: names.get(row.user) || row.user, model: row.model, requests: 0, tokens: 0 };
    sum.requests += row.requests;
    sum.tokens += row.promptTokens + row.completionTokens;
    byKey.set(key, sum);
  }
  return h('table', { 'aria-label': 'Usage totals', id: 'usage-totals' },
    h('thead', {}, h('tr', {}, ['User', 'Model', 'Requests', 'Tokens'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, [...byKey.values()].map((s) => h('tr', {}, h('td', {}, s.user), h('td', {}, s.model),
      h('td', {}, String(s.requests)), h('td', {}, String(s.tokens))))));
}
