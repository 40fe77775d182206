// mmsafe view: a small client over the JSON API (docs/VIEW-API.md). Model and judge text is hostile: it only ever
// reaches the page as text nodes (el() below), never as markup.
'use strict';
const main = document.getElementById('main');
let version = 0, route = null, state = {};

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
const api = async path => { const r = await fetch(path); const body = await r.json(); if (!r.ok) throw new Error(body.error || r.status); return body; };
const pct = v => v === null || v === undefined ? 'n/a' : v.toFixed(2);
const rateText = r => r ? `${pct(r.percent)}% [${pct(r.low)}, ${pct(r.high)}] (${r.successes}/${r.count})` : 'n/a';
function rateCell(r) {
  if (!r || r.percent === null) return el('td', { class: 'num' }, 'n/a');
  return el('td', { class: 'rate' }, el('span', { class: 'bar', 'data-w': r.percent }), ' ', rateText(r));
}
function show(...nodes) { main.replaceChildren(...nodes.flat(Infinity).filter(n => n !== null && n !== undefined)); document.body.setAttribute('data-ready', '1'); }
function sizeBars() { for (const b of main.querySelectorAll('.bar[data-w]')) b.style.width = Math.round(Number(b.dataset.w)) + 'px'; }

// Run list ---------------------------------------------------------------------------------------------------------
const columns = [['path', 'Run'], ['benchmark', 'Benchmark'], ['model', 'Model'], ['condition', 'Condition'], ['judges', 'Judges'],
  ['metric', 'Metric'], ['rate', 'Rate % [95% CI]'], ['done', 'Done'], ['updated', 'Updated']];
async function runList() {
  const data = await api('/api/runs');
  state.list = state.list || { sort: 'path', dir: 1, text: '', benchmark: '', selected: new Set() };
  const s = state.list;
  if (data.runs.length === 0) return show(el('p', { id: 'no-runs' }, 'No runs found under this folder yet. Start one with mmsafe run --out DIR; it appears here.'));
  const value = (r, k) => k === 'rate' ? (r.rate ? r.rate.percent : -1) : k === 'judges' ? r.judges.join(',') : k === 'done' ? r.done / Math.max(1, r.total) : r[k] ?? '';
  const rows = data.runs.filter(r => (!s.benchmark || r.benchmark === s.benchmark) &&
      (!s.text || [r.path, r.model, r.benchmark, r.condition].join(' ').toLowerCase().includes(s.text.toLowerCase())))
    .sort((a, b) => (value(a, s.sort) > value(b, s.sort) ? 1 : value(a, s.sort) < value(b, s.sort) ? -1 : 0) * s.dir);
  const head = el('tr', {}, el('th', {}, ''), columns.map(([k, label]) => el('th', { 'data-col': k, onclick: () => { s.dir = s.sort === k ? -s.dir : 1; s.sort = k; runList(); } },
    label + (s.sort === k ? (s.dir > 0 ? ' ▲' : ' ▼') : ''))));
  const body = rows.map(r => el('tr', { class: 'run-row', 'data-id': r.id },
    el('td', {}, el('input', { type: 'checkbox', checked: s.selected.has(r.id), onchange: e => { e.target.checked ? s.selected.add(r.id) : s.selected.delete(r.id); } })),
    el('td', {}, el('a', { href: `#/run/${r.id}` }, r.path)), el('td', {}, r.benchmark ?? r.error), el('td', {}, r.model), el('td', {}, r.condition),
    el('td', {}, r.judges.join(', ')), el('td', {}, r.metric ? r.metric + (r.lower_is_better ? ' (lower is better)' : '') : ''), rateCell(r.rate),
    el('td', { class: 'num' }, `${r.done}/${r.total}` + (r.in_progress ? ' …' : '')), el('td', {}, r.updated ? new Date(r.updated).toLocaleString() : '')));
  const benchmarks = [...new Set(data.runs.map(r => r.benchmark).filter(Boolean))];
  show(el('div', { class: 'filters' },
      el('input', { id: 'run-filter', placeholder: 'filter runs', value: s.text, onchange: e => { s.text = e.target.value; runList(); } }),
      el('select', { id: 'benchmark-filter', onchange: e => { s.benchmark = e.target.value; runList(); } }, el('option', { value: '' }, 'all benchmarks'),
        benchmarks.map(b => el('option', { value: b, selected: b === s.benchmark }, b))),
      el('button', { id: 'compare-selected', onclick: () => { if (s.selected.size) location.hash = `#/compare/${[...s.selected].join(',')}`; } }, 'Compare selected'),
      rows.length > 1 ? el('a', { id: 'compare-all', href: `#/compare/${rows.map(r => r.id).join(',')}` }, ' compare all shown') : null),
    el('table', { id: 'run-list' }, el('thead', {}, head), el('tbody', {}, body)));
  sizeBars();
}

// Run page ---------------------------------------------------------------------------------------------------------
function groupTable(title, groups, metrics) {
  if (!groups.length) return null;
  return el('section', {}, el('h3', {}, title), el('div', { class: 'scroll' }, el('table', { class: 'groups' },
    el('tr', {}, el('th', {}, 'Group'), el('th', {}, 'Items'), metrics.map(m => el('th', {}, m.label + (m.lower_is_better ? ' (lower is better)' : '')))),
    groups.map(g => el('tr', {}, el('td', {}, g.name), el('td', { class: 'num' }, g.items), metrics.map(m => rateCell(g.rates[m.key])))))));
}
// Judge certificates (mmsafe judge certify), newest first; every field is text.
const kappaText = f => f.kappa === null ? 'n/a (no variation)' : `${pct(f.kappa)} [${pct(f.kappa_low)}, ${pct(f.kappa_high)}]`;
function certificates(list) {
  if (!list.length) return null;
  return el('section', { id: 'certificates' }, el('h3', {}, 'Judge certificates'), el('table', {},
    el('tr', {}, ['Certified', 'Candidate', 'Reference', 'Rule', 'Verdict', 'Items', "Cohen's κ [95% CI]", 'Shift (pp) [95% CI]', 'MDD (pp)', 'Failing categories', 'Failed clauses'].map(h => el('th', {}, h))),
    [...list].reverse().map(c => el('tr', { class: 'certificate' }, el('td', {}, new Date(c.at).toLocaleString()), el('td', {}, c.candidate), el('td', {}, c.reference),
      el('td', { title: c.rule_description }, c.rule), el('td', {}, el('b', {}, c.verdict)), el('td', { class: 'num' }, c.overall.items), el('td', {}, kappaText(c.overall)),
      el('td', {}, `${pct(c.overall.shift)} [${pct(c.overall.shift_low)}, ${pct(c.overall.shift_high)}]`), el('td', { class: 'num' }, pct(c.overall.minimum_detectable)),
      el('td', {}, c.failing_categories.join(', ')), el('td', {}, c.failures.join('; '))))));
}
async function runPage(id) {
  const s = state.run && state.run.id === id ? state.run : (state.run = { id, q: '', category: '', verdict: '', outcome: '', disagree: false, offset: 0 });
  const [page, samples] = await Promise.all([api(`/api/runs/${id}`), api(`/api/runs/${id}/samples?` + new URLSearchParams({
    q: s.q, category: s.category, verdict: s.verdict, outcome: s.outcome, disagree: s.disagree ? '1' : '', offset: s.offset, limit: 50 }))]);
  const sum = page.summary, d = page.diagnostics;
  const select = (name, values) => el('select', { id: `filter-${name}`, onchange: e => { s[name] = e.target.value; s.offset = 0; runPage(id); } },
    el('option', { value: '' }, `any ${name}`), values.map(v => el('option', { value: v, selected: v === s[name] }, v)));
  const rows = samples.rows.map(r => el('tr', { class: 'sample-row' + (r.disagree ? ' disagree' : '') },
    el('td', {}, r.images ? el('img', { class: 'thumb', loading: 'lazy', alt: '', src: `/api/runs/${id}/images/${encodeURIComponent(r.item_id)}/0?size=thumb` }) : ''),
    el('td', {}, el('a', { href: `#/run/${id}/sample/${encodeURIComponent(r.item_id)}` }, r.item_id), r.sample ? ` #${r.sample + 1}` : ''),
    el('td', {}, r.category, r.sub_category ? ` / ${r.sub_category}` : ''), el('td', {}, r.question), el('td', {}, r.response),
    el('td', {}, r.outcome), el('td', {}, el('span', { class: 'tag' }, r.verdict))));
  show(el('h2', {}, `${sum.benchmark}: ${sum.model}`, sum.condition !== 'official' ? ` (${sum.condition})` : '', sum.judge ? ` judged by ${sum.judge}` : '', sum.judges.length > 1 ? ` (panel: ${sum.judges.join(', ')})` : ''),
    el('p', { id: 'run-summary' }, `${sum.path} · ${sum.done}/${sum.total} answers · ${sum.scored_items}/${sum.items} items scored` + (sum.in_progress ? ' · in progress' : ''),
      ' · protocol ', page.protocol_version, ' · dataset ', page.dataset_sha256.slice(0, 12)),
    page.warnings.map(w => el('div', { class: 'warn' }, w)),
    groupTable('Overall', [page.overall], page.metrics), groupTable('Categories', page.categories, page.metrics), groupTable('Sub-categories', page.sub_categories, page.metrics),
    el('h3', {}, 'Diagnostics'), el('p', { id: 'diagnostics' }, `missing ${d.missing} · failed answers ${d.failed_answers} · failed verdicts ${d.failed_verdicts} · unscored ${d.unscored} · undecided items ${d.undecided_items} · empty ${d.empty} · unreadable ${d.unreadable}`),
    el('p', {}, 'Outcomes: ', Object.entries(page.outcomes).map(([k, v]) => `${k} ${v}`).join(' · ')),
    certificates(page.certificates || []),
    el('h3', {}, 'Samples'),
    el('div', { class: 'filters' }, el('input', { id: 'filter-q', placeholder: 'search text', value: s.q, onchange: e => { s.q = e.target.value; s.offset = 0; runPage(id); } }),
      select('category', samples.categories), select('verdict', samples.verdicts), select('outcome', samples.outcomes),
      samples.has_judge_panel ? el('label', {}, el('input', { type: 'checkbox', id: 'filter-disagree', checked: s.disagree, onchange: e => { s.disagree = e.target.checked; s.offset = 0; runPage(id); } }), ' judges disagree') : null),
    el('p', { class: 'pager' }, `${samples.matched} of ${samples.total} answers; showing ${samples.offset + 1}–${samples.offset + samples.rows.length} `,
      el('button', { disabled: s.offset === 0, onclick: () => { s.offset = Math.max(0, s.offset - 50); runPage(id); } }, '‹ previous'),
      el('button', { disabled: s.offset + 50 >= samples.matched, onclick: () => { s.offset += 50; runPage(id); } }, 'next ›')),
    el('table', { id: 'samples' }, el('tr', {}, ['', 'Item', 'Category', 'Question', 'Answer', 'Outcome', 'Verdict'].map(h => el('th', {}, h))), rows));
  sizeBars();
}

// Sample page ------------------------------------------------------------------------------------------------------
function zoomable(thumb, full) {
  const img = el('img', { class: 'thumb', loading: 'lazy', alt: '', src: thumb });
  img.addEventListener('click', () => { const big = img.classList.toggle('full'); img.classList.toggle('thumb', !big); img.src = big ? full : thumb; });
  return img;
}
async function samplePage(id, item) {
  const x = await api(`/api/runs/${id}/samples/${encodeURIComponent(item)}`);
  show(el('p', {}, el('a', { href: `#/run/${id}` }, '‹ run')), el('h2', {}, `Sample ${x.item_id}`), el('p', {}, x.category, x.sub_category ? ` / ${x.sub_category}` : ''),
    el('h3', {}, 'Question'), el('pre', { id: 'question' }, x.question),
    el('div', {}, x.images.map(i => zoomable(i.thumb, i.full))),
    el('h3', {}, 'Requests'),
    // The first request open; the others (a judge's, or the same target request once per answer) one click away.
    x.requests.map((r, n) => el('details', { class: 'request', id: `request-${n}`, 'data-role': r.role, open: n === 0 },
      el('summary', {}, el('strong', {}, r.role === 'target' ? 'Target' : 'Judge'), ` · ${r.model}`, r.url ? ` · POST ${r.url}` : '', r.aspect ? ` · ${r.aspect}` : '', r.sample !== null ? ` · answer #${r.sample + 1}` : ''),
      r.note ? el('p', { class: 'muted' }, r.note) : null,
      el('div', {}, r.images.map(i => el('span', {}, i.url ? zoomable(i.url + '?size=thumb', i.url + '?size=full') : '', ` ${i.media_type}, ${i.bytes} bytes, sha256 ${i.sha256.slice(0, 16)}…`))),
      r.body ? el('pre', { class: 'request-body' }, r.body) : null)),
    el('h3', {}, 'Answers'),
    x.answers.map(a => el('div', { class: 'answer' }, el('strong', {}, `#${a.sample + 1} ${a.outcome}`), a.error ? el('p', { class: 'warn' }, a.error) : null,
      el('pre', {}, a.text ?? a.refusal ?? ''), a.reasoning ? el('details', {}, el('summary', {}, 'reasoning'), el('pre', {}, a.reasoning)) : null)),
    el('h3', {}, 'Judge replies'),
    x.verdicts.map(v => el('div', { class: 'verdict' }, el('strong', {}, `${v.judge} · ${v.aspect} · answer #${v.sample + 1}: `), el('span', { class: 'tag' }, v.reading ?? 'not read'),
      el('pre', {}, v.raw ?? v.error ?? ''))),
    el('h3', {}, 'Score'),
    x.scores.map(s => el('div', { class: 'score' }, el('strong', {}, s.judge || 'score'), ' ', JSON.stringify(s.values), ' ', JSON.stringify(s.counts),
      s.diagnostics.map(m => el('p', { class: 'warn' }, m)))));
}

// Compare page -----------------------------------------------------------------------------------------------------
async function comparePage(ids) {
  const c = await api(`/api/compare?runs=${encodeURIComponent(ids)}`);
  const table = (id, headers, rows) => el('table', { id }, el('tr', {}, headers.map(h => el('th', {}, h))), rows.map(r => el('tr', {}, r.map(v => el('td', {}, v ?? '')))));
  const ci = (p, lo, hi) => p === null || p === undefined ? 'n/a' : `${pct(p)} [${pct(lo)}, ${pct(hi)}]`;
  show(el('section', { id: 'compare' }, el('h2', {}, 'Comparison'),
    el('h3', {}, 'Leaderboard'), table('leaderboard', ['Benchmark', 'Model', 'Condition', 'Judge', 'Metric', 'Rate % [95% CI]', 'n', 'Run'],
      c.leaderboard.map(r => [r.benchmark, r.model, r.condition, r.judge, r.metric + (r.lower_is_better ? ' (lower is better)' : ''), ci(r.percent, r.ci_low, r.ci_high), r.n, r.run])),
    el('h3', {}, 'Paired exact McNemar tests'), table('mcnemar', ['Run A', 'Run B', 'Items', 'Only A (counted in A, not in B)', 'Only B (counted in B, not in A)', 'p', 'MDD (pp)'],
      c.mcnemar.map(t => [t.run_a, t.run_b, t.items, t.only_a, t.only_b, t.p, t.mdd])),
    el('h3', {}, 'Cross-modal gaps (A minus B, points)'), c.gaps.length === 0
      ? el('p', { class: 'muted', id: 'gaps' }, 'No gaps: they need the same model and judge run under two conditions (official, text-only, caption…).') : table('gaps', ['Conditions', 'Category', 'Items', 'Gap [95% CI]', 'p', 'p (Holm)', 'MDD'],
      c.gaps.map(g => [`${g.condition_a} - ${g.condition_b}`, g.category, g.items, ci(g.gap, g.ci_low, g.ci_high), g.p, g.p_holm, g.mdd])),
    el('h3', {}, 'Frontier'), el('div', { id: 'frontier' }, c.frontiers.length === 0 ? el('p', { class: 'muted' }, 'No frontier: it needs models with official runs on an over-refusal and an unsafe benchmark.') : null,
      c.frontiers.map(f => el('div', {}, el('h4', {}, `${f.over_refusal_from} × ${f.unsafe_from} (lower is better on both)`),
        table(null, ['Model', 'Over-refusal % [95% CI]', 'Unsafe % [95% CI]'], f.points.map(p => [p.model, ci(p.over_refusal.percent, p.over_refusal.ci_low, p.over_refusal.ci_high),
          ci(p.unsafe.percent, p.unsafe.ci_low, p.unsafe.ci_high)])), f.statements.map(t => el('p', {}, t))))),
    c.notes.map(f => el('div', { class: 'warn' }, f))));
}

// Routing and live updates -----------------------------------------------------------------------------------------
async function render() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  route = parts;
  try {
    if (parts[0] === 'run' && parts[2] === 'sample') await samplePage(parts[1], parts[3]);
    else if (parts[0] === 'run') await runPage(parts[1]);
    else if (parts[0] === 'compare') await comparePage(parts[1]);
    else await runList();
  } catch (e) { show(el('p', { class: 'warn' }, String(e.message || e))); }
}
async function watch() {
  const live = document.getElementById('live');
  for (;;) {
    try {
      const c = await api(`/api/changes?since=${version}`);
      const first = version === 0;
      version = c.version;
      live.textContent = `live · v${version}`;
      if (first) continue;
      const id = route && route[0] === 'run' ? route[1] : null;
      if ((route[0] === '' || route[0] === undefined) && (c.changed.length || c.list_changed)) await render();
      else if (id && c.changed.includes(id)) await render();
    } catch (e) { live.textContent = 'offline'; await new Promise(r => setTimeout(r, 3000)); }
  }
}
window.addEventListener('hashchange', render);
render().then(watch);
