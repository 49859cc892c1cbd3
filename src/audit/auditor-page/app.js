// The auditor's page: plain JS, no build step. The API key lives only in this variable,
// for the page's life: taken from the field whenever one is typed, kept otherwise.
(function () {
  'use strict';
  let apiKey = '';
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const svgEl = (tag, attrs) => {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  };
  const status = (text, isError) => {
    const s = $('status');
    s.textContent = text;
    s.className = isError ? 'err' : '';
  };

  // The key typed in the field, if any, replaces the one held; the field is cleared so the key is not left on screen.
  function takeKey() {
    const typed = $('api-key').value;
    if (typed) apiKey = typed;
    $('api-key').value = '';
    $('api-key').placeholder = apiKey ? 'key held in memory' : '';
  }

  async function api(path, options) {
    const res = await fetch(path, { ...(options || {}), headers: { 'x-api-key': apiKey, 'content-type': 'application/json' } });
    const text = await res.text();
    if (!res.ok) throw new Error(`${res.status} ${text}`);
    const type = res.headers.get('content-type') || '';
    return type.includes('application/json') ? JSON.parse(text) : text;
  }

  // Day of year (0-based) of 'YYYY-MM-DD', from its own digits (no time zone involved).
  function dayOfYear(date) {
    const [y, m, d] = date.split('-').map(Number);
    return (Date.UTC(y, m - 1, d) - Date.UTC(y, 0, 1)) / 86400000;
  }

  function drawChart(year, disputes) {
    const W = 900,
      H = 260,
      L = 56,
      R = 16,
      T = 14,
      B = 30;
    const days = dayOfYear(`${year.year}-12-31`) + 1;
    const caps = year.byCategory.filter((p) => p.cap !== null).map((p) => Number(p.cap));
    const paid = year.settlements.map((s) => Number(s.fundPaidAfter));
    const top = Math.max(1, ...caps, ...paid) * 1.1;
    const x = (date) => L + (dayOfYear(date) / days) * (W - L - R);
    const y = (v) => T + (1 - v / top) * (H - T - B);
    const svg = svgEl('svg', { id: 'cap-chart', width: W, height: H, viewBox: `0 0 ${W} ${H}` });
    svg.appendChild(svgEl('line', { x1: L, y1: y(0), x2: W - R, y2: y(0), stroke: '#999' }));
    for (let m = 1; m <= 12; m++) {
      const d = `${year.year}-${String(m).padStart(2, '0')}-01`;
      svg.appendChild(svgEl('line', { x1: x(d), y1: y(0), x2: x(d), y2: y(0) + 4, stroke: '#999' }));
      const t = svgEl('text', { x: x(d) + 2, y: H - 8 });
      t.textContent = String(m);
      svg.appendChild(t);
    }
    for (const v of [0, top / 2, top / 1.1]) {
      const t = svgEl('text', { x: 4, y: y(v) + 4 });
      t.textContent = v.toFixed(0);
      svg.appendChild(t);
    }
    // The cap line, stepping where the category (and so the cap) changes.
    for (const p of year.byCategory) {
      if (p.cap === null) continue;
      svg.appendChild(
        svgEl('line', {
          class: 'cap-line',
          'data-cap': p.cap,
          'data-category': p.category,
          x1: x(p.from),
          y1: y(Number(p.cap)),
          x2: x(p.to) + (W - L - R) / days,
          y2: y(Number(p.cap)),
          stroke: '#c0392b',
          'stroke-dasharray': '6 4',
          'stroke-width': 2,
        }),
      );
      const t = svgEl('text', { x: x(p.from) + 4, y: y(Number(p.cap)) - 4 });
      t.textContent = `cap ${p.cap} (${p.category})`;
      svg.appendChild(t);
    }
    // The retirement switch (第六条: from the month after processing).
    for (const p of year.byCategory.slice(1)) {
      svg.appendChild(
        svgEl('line', { class: 'switch-line', x1: x(p.from), y1: T, x2: x(p.from), y2: y(0), stroke: '#8e44ad', 'stroke-width': 1.5 }),
      );
      const t = svgEl('text', { x: x(p.from) + 4, y: y(0) - 8 });
      t.textContent = `→ ${p.category} from ${p.from}`;
      svg.appendChild(t);
    }
    // The usage curve: fund paid so far, a step at each visit.
    const live = year.settlements.filter((s) => !s.reversed);
    let pts = `${x(`${year.year}-01-01`)},${y(0)}`;
    let last = 0;
    for (const s of live) {
      pts += ` ${x(s.visitDate)},${y(last)} ${x(s.visitDate)},${y(Number(s.fundPaidAfter))}`;
      last = Number(s.fundPaidAfter);
    }
    pts += ` ${W - R},${y(last)}`;
    svg.appendChild(svgEl('polyline', { id: 'usage', points: pts, fill: 'none', stroke: '#1f6fb2', 'stroke-width': 2 }));
    // Visits on the timeline; a click opens the explanation. Adjusted visits are orange
    // (issue 15: a correction changed their figures); disputed ones get a purple ring.
    for (const s of year.settlements) {
      const adjusted = isAdjusted(s);
      const cx = x(s.visitDate),
        cy = y(Number(s.fundPaidAfter));
      const c = svgEl('circle', {
        class: adjusted ? 'visit adjusted' : 'visit',
        'data-settlement': s.settlementId,
        cx,
        cy,
        r: adjusted ? 5 : 4,
        fill: s.reversed ? '#bbb' : adjusted ? '#d35400' : '#1f6fb2',
        style: 'cursor:pointer',
      });
      const title = svgEl('title', {});
      title.textContent = `${s.visitDate} ${s.institutionCode}: ${visitNote(s, disputes)}`;
      c.appendChild(title);
      c.addEventListener('click', () => explain(s.settlementId));
      if (disputes.has(s.settlementId)) {
        const ring = svgEl('circle', {
          class: 'disputed-ring',
          'data-settlement': s.settlementId,
          cx,
          cy,
          r: 9,
          fill: 'none',
          stroke: '#8e44ad',
          'stroke-width': 2,
          'stroke-dasharray': '3 2',
        });
        ring.appendChild(svgEl('title', {})).textContent = title.textContent;
        svg.appendChild(ring);
      }
      svg.appendChild(c);
    }
    drawMarksLegend(svg, W - R - 250, T + 4);
    const box = $('chart');
    box.textContent = '';
    box.appendChild(svg);
  }

  // Issue 15: a settlement is adjusted when a correction changed its figures (the year view lists them).
  const isAdjusted = (s) => Array.isArray(s.adjustments) && s.adjustments.length > 0;

  // What a visit's mark says: its fund (as settled → now), its corrections and its disputes.
  function visitNote(s, disputes) {
    const parts = [
      isAdjusted(s)
        ? `fund ${s.fund} → ${s.figures.net.fund} (adjusted by ${s.adjustments.map((a) => a.correctionId).join(', ')})`
        : `fund ${s.fund}`,
    ];
    if (s.reversed) parts.push('(reversed)');
    for (const d of disputes.get(s.settlementId) || []) parts.push(`disputed: ${d.disputeId} (${d.status}, ${d.grounds.code})`);
    return parts.join(' ');
  }

  // The category (or rate) a visit was settled under, and the one its last correction applied if different.
  function changed(s, key) {
    const last = isAdjusted(s) ? s.adjustments[s.adjustments.length - 1][key] : s[key];
    return last !== undefined && last !== s[key] ? `${s[key]} → ${last}` : s[key];
  }

  function drawMarksLegend(svg, x0, y0) {
    const items = [
      ['circle', { cx: x0 + 5, cy: y0, r: 5, fill: '#d35400' }, 'adjusted'],
      ['circle', { cx: x0 + 95, cy: y0, r: 8, fill: 'none', stroke: '#8e44ad', 'stroke-width': 2, 'stroke-dasharray': '3 2' }, 'disputed'],
    ];
    for (const [tag, attrs, label] of items) {
      svg.appendChild(svgEl(tag, { ...attrs, class: 'legend-mark' }));
      const t = svgEl('text', { x: attrs.cx + 12, y: y0 + 4 });
      t.textContent = label;
      svg.appendChild(t);
    }
  }

  // Disputes naming this person's settlements (GET /disputes?personId=), by settlement id.
  async function disputesBySettlement(personId) {
    const bySettlement = new Map();
    const page = await api(`/disputes?personId=${encodeURIComponent(personId)}&limit=500`);
    for (const d of page.items) {
      if (d.subject.kind !== 'settlements') continue;
      for (const id of d.subject.settlementIds) bySettlement.set(id, [...(bySettlement.get(id) || []), d]);
    }
    return bySettlement;
  }

  // Rows, or one row saying what is missing (an empty table must say so).
  function fillTable(id, rows, emptyText) {
    const body = $(id).querySelector('tbody');
    body.textContent = '';
    for (const r of rows) body.appendChild(r);
    if (rows.length === 0) {
      const tr = el('tr', { class: 'empty-row' });
      tr.appendChild(
        el('td', { class: 'empty', colspan: String($(id).querySelectorAll('thead th').length) }, emptyText || 'Nothing to show.'),
      );
      body.appendChild(tr);
    }
  }

  // Before each Load: nothing of the previous person may stay on screen, even if this Load fails.
  function clearPerson() {
    for (const id of ['summary-category', 'summary-fund-paid', 'summary-cap', 'summary-cap-remaining', 'summary-visits', 'account-balance'])
      $(id).textContent = '—';
    for (const id of ['retirement-switch', 'replay-result', 'explain-title']) $(id).textContent = '';
    $('chart').textContent = '';
    $('explain-panel').textContent = 'Choose a visit to see how it was decided, step by step, with the clause behind each step.';
    $('explain-panel').removeAttribute('data-settlement');
    for (const id of ['visits', 'timeline', 'statement']) fillTable(id, [], 'Not loaded.');
    document.body.removeAttribute('data-loaded');
  }

  async function explain(settlementId) {
    const personId = $('person-id').value.trim();
    $('explain-title').textContent = `— ${settlementId}`;
    $('explain-panel').textContent = 'loading…';
    try {
      const text = await api(
        `/persons/${encodeURIComponent(personId)}/settlements/${encodeURIComponent(settlementId)}/explain?format=text`,
      );
      $('explain-panel').textContent = text;
      $('explain-panel').setAttribute('data-settlement', settlementId);
    } catch (e) {
      $('explain-panel').textContent = String(e.message || e);
    }
  }

  async function load() {
    takeKey();
    const personId = $('person-id').value.trim();
    const yearNo = $('year').value.trim();
    clearPerson();
    status('loading…');
    try {
      const [yearAns, stmtAns, tlAns, disputes] = await Promise.all([
        api(`/persons/${encodeURIComponent(personId)}/years/${encodeURIComponent(yearNo)}`),
        api(`/persons/${encodeURIComponent(personId)}/account/statement`),
        api(`/persons/${encodeURIComponent(personId)}/rate-timeline`),
        disputesBySettlement(personId),
      ]);
      const year = yearAns.result;
      $('summary-category').textContent = year.category || '—';
      $('summary-fund-paid').textContent = year.fundPaid;
      $('summary-cap').textContent = year.capInForce ?? '—';
      $('summary-cap-remaining').textContent = year.capRemaining ?? '—';
      $('summary-visits').textContent = String(year.visits);
      $('account-balance').textContent = stmtAns.result.balance;
      const switches = tlAns.result.filter((s) => s.cause === 'retirement');
      const corrections = tlAns.result.filter((s) => s.cause === 'correction');
      $('retirement-switch').textContent =
        switches.length || corrections.length
          ? [
              ...switches.map(
                (s) =>
                  `Retirement processed ${s.processedOn}: retired rates and cap from ${s.from} (from the month after processing; the year's earlier payments count against the new cap — ${s.switchCitation || s.ratesCitation || 'no pack in force'}).`,
              ),
              ...corrections.map(
                (s) => `Category corrected by ${s.correctionId}: ${s.category} from ${s.from}; the visits it affects are marked adjusted.`,
              ),
            ].join(' ')
          : 'No category change.';
      drawChart(year, disputes);
      fillTable(
        'visits',
        year.settlements.map((s) => {
          const marks = [s.reversed ? 'reversed' : '', isAdjusted(s) ? 'adjusted' : '', disputes.has(s.settlementId) ? 'disputed' : '']
            .filter(Boolean)
            .join(' ');
          const tr = el('tr', { 'data-settlement': s.settlementId, class: marks, title: visitNote(s, disputes) });
          // An adjusted figure reads "as settled → now"; a badge names each mark.
          const now = (was, key) => (isAdjusted(s) && s.figures.net[key] !== was ? `${was} → ${s.figures.net[key]}` : was);
          for (const [v, cls] of [
            [s.visitDate, 'l'],
            [s.settlementId, 'l'],
            [`${s.institutionCode} (${s.institutionLevel})`, 'l'],
            [changed(s, 'category'), 'l'],
            [s.total],
            [s.policyScope],
            [s.deductible],
            [changed(s, 'rate')],
            [now(s.fund, 'fund')],
            [now(s.account, 'account')],
            [now(s.cash, 'cash')],
            [s.fundPaidAfter],
          ]) {
            tr.appendChild(el('td', cls ? { class: cls } : {}, v));
          }
          const idCell = tr.children[1];
          if (isAdjusted(s)) idCell.appendChild(el('span', { class: 'badge adjusted-badge' }, 'adjusted'));
          for (const d of disputes.get(s.settlementId) || [])
            idCell.appendChild(el('span', { class: 'badge disputed-badge', 'data-dispute': d.disputeId }, `disputed ${d.status}`));
          const td = el('td');
          const b = el('button', { class: 'explain' }, 'explain');
          b.addEventListener('click', () => explain(s.settlementId));
          td.appendChild(b);
          tr.appendChild(td);
          return tr;
        }),
        `No visits in ${yearNo}.`,
      );
      fillTable(
        'timeline',
        tlAns.result.map((s) => {
          const tr = el('tr', { 'data-category': s.category });
          const rates = s.rates
            ? Object.entries(s.rates)
                .map(([lv, r]) => `${lv} ${r}`)
                .join(', ')
            : '—';
          for (const [v, cls] of [
            [s.from, 'l'],
            [s.to || '…', 'l'],
            [s.category + (s.cause === 'retirement' ? ' (retired ' + s.processedOn + ')' : ''), 'l'],
            [s.packId || '(no pack)', 'l'],
            [rates, 'l'],
            [s.cap ?? '—'],
          ])
            tr.appendChild(el('td', cls ? { class: cls } : {}, v));
          return tr;
        }),
        'No category timeline.',
      );
      fillTable(
        'statement',
        stmtAns.result.lines
          .filter((l) => l.recordedAt.slice(0, 4) === yearNo)
          .map((l) => {
            const tr = el('tr', { 'data-position': String(l.position) });
            for (const [v, cls] of [
              [l.recordedAt.slice(0, 10), 'l'],
              [`${l.type} ${l.reference}`, 'l'],
              [l.credit],
              [l.debit],
              [l.balance],
              [String(l.position)],
            ])
              tr.appendChild(el('td', cls ? { class: cls } : {}, v));
            return tr;
          }),
        `No account movements in ${yearNo}.`,
      );
      status(`loaded through position ${yearAns.throughPosition}`);
      document.body.setAttribute('data-loaded', `${personId}/${yearNo}`);
    } catch (e) {
      status(String(e.message || e), true);
    }
  }

  async function replay() {
    const personId = $('person-id').value.trim();
    const yearNo = Number($('year').value.trim());
    try {
      const r = await api('/audit/replay', { method: 'POST', body: JSON.stringify({ personId, year: yearNo }) });
      const p = $('replay-result');
      p.textContent = `Replay of ${r.settlementsChecked} settlement(s)${r.adjustmentsChecked ? ` and ${r.adjustmentsChecked} adjustment(s)` : ''}: ${r.verdict}; hash chain ${r.chain.intact ? 'intact' : 'BROKEN at revision ' + r.chain.firstBroken.revision}.`;
      p.className = r.differences.length === 0 && r.chain.intact ? 'ok' : 'bad';
    } catch (e) {
      status(String(e.message || e), true);
    }
  }

  // Find a person by id prefix (GET /persons?idPrefix=): a click on a result loads that person.
  async function search() {
    takeKey();
    const prefix = $('person-search').value.trim();
    const list = $('person-results');
    list.textContent = '';
    $('search-section').hidden = false;
    $('search-title').textContent = prefix ? `— id starting with ${prefix}` : '— all';
    try {
      const page = await api(`/persons?limit=20${prefix ? `&idPrefix=${encodeURIComponent(prefix)}` : ''}`);
      for (const p of page.items) {
        const li = el('li', {});
        const b = el(
          'button',
          { class: 'person-result', 'data-person': p.personId },
          `${p.personId} · ${p.scheme} · ${p.category} · ${p.region}`,
        );
        b.addEventListener('click', () => {
          $('person-id').value = p.personId;
          if (!$('year').value.trim()) $('year').value = String(new Date().getFullYear());
          load();
        });
        li.appendChild(b);
        list.appendChild(li);
      }
      if (page.items.length === 0) list.appendChild(el('li', { class: 'empty' }, `No person's id starts with "${prefix}".`));
      $('search-more').textContent = page.nextCursor ? 'More match: type a longer prefix.' : '';
      document.body.setAttribute('data-searched', prefix);
    } catch (e) {
      status(String(e.message || e), true);
    }
  }

  $('load').addEventListener('click', load);
  $('search').addEventListener('click', search);
  $('person-search').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') search();
  });
  $('replay').addEventListener('click', replay);

  // ---- Institution monitoring tab (src/monitoring): GET /monitoring/institutions/:code/indicators?year= ----
  // Each chart: the indicator month by month; dashed, its threshold; red dots, the months with an alert on it.
  const MONITORING_CHARTS = [
    { key: 'visits', title: 'Visits (就诊人次)', value: (m) => m.visits, alerts: ['visitsGrowthYoY'], count: true },
    { key: 'totalCost', title: 'Total cost', value: (m) => m.totalCost, alerts: ['totalCostGrowthYoY'] },
    {
      key: 'perVisitCost',
      title: 'Per-visit average (次均费用)',
      value: (m) => m.perVisitCost,
      alerts: ['perVisitCostGrowthMoM', 'perVisitCostGrowthYoY'],
    },
    {
      key: 'selfPayShare',
      title: 'Self-pay share (自费比例)',
      value: (m) => m.selfPayShare,
      alerts: ['selfPayShare'],
      threshold: 'selfPayShare',
    },
    {
      key: 'examinationShare',
      title: 'Examination share (检查费用占比)',
      value: (m) => m.examinationShare,
      alerts: ['examinationShare'],
      threshold: 'examinationShare',
    },
    {
      key: 'outOfCatalogueShare',
      title: 'Out-of-catalogue share (目录外)',
      value: (m) => m.outOfCatalogueShare,
      alerts: ['outOfCatalogueShare'],
      threshold: 'outOfCatalogueShare',
    },
    { key: 'drugAmount', title: 'Drugs incl. herbal pieces', value: (m) => m.amounts.drugIncludingHerbal, alerts: ['drugAmountGrowthYoY'] },
    { key: 'examinationAmount', title: 'Examinations', value: (m) => m.amounts.examination, alerts: ['examinationAmountGrowthYoY'] },
    { key: 'treatmentAmount', title: 'Treatments', value: (m) => m.amounts.treatment, alerts: ['treatmentAmountGrowthYoY'] },
    {
      key: 'inpatientAdmissions',
      title: 'Inpatient admissions (住院人次)',
      value: (m) => m.inpatientAdmissions,
      alerts: ['inpatientAdmissionsGrowthYoY'],
      count: true,
    },
  ];

  function drawIndicatorChart(spec, answer) {
    const W = 420,
      H = 150,
      L = 52,
      R = 10,
      T = 10,
      B = 22;
    const values = answer.months.map((m) => {
      const v = spec.value(m);
      return v === null || v === undefined ? null : Number(v);
    });
    const limit =
      spec.threshold && answer.thresholds.indicators[spec.threshold] ? Number(answer.thresholds.indicators[spec.threshold].max) : null;
    const top = Math.max(1e-9, ...values.filter((v) => v !== null), limit === null ? 0 : limit) * 1.15;
    const x = (i) => L + (i / 11) * (W - L - R);
    const y = (v) => T + (1 - v / top) * (H - T - B);
    const svg = svgEl('svg', { class: 'indicator-chart', 'data-indicator': spec.key, width: W, height: H, viewBox: `0 0 ${W} ${H}` });
    svg.appendChild(svgEl('line', { x1: L, y1: y(0), x2: W - R, y2: y(0), stroke: '#999' }));
    for (let i = 0; i < 12; i++) {
      const t = svgEl('text', { x: x(i) - 3, y: H - 6 });
      t.textContent = String(i + 1);
      svg.appendChild(t);
    }
    for (const v of [0, top / 1.15]) {
      const t = svgEl('text', { x: 2, y: y(v) + 4 });
      // Counts are whole numbers; shares (below 2) need two places.
      t.textContent = spec.count ? String(Math.round(v)) : top < 2 ? v.toFixed(2) : v.toFixed(0);
      svg.appendChild(t);
    }
    if (limit !== null)
      svg.appendChild(
        svgEl('line', {
          class: 'threshold-line',
          'data-threshold': String(limit),
          x1: L,
          y1: y(limit),
          x2: W - R,
          y2: y(limit),
          stroke: '#c0392b',
          'stroke-dasharray': '6 4',
        }),
      );
    const pts = values
      .map((v, i) => (v === null ? null : `${x(i)},${y(v)}`))
      .filter(Boolean)
      .join(' ');
    svg.appendChild(svgEl('polyline', { points: pts, fill: 'none', stroke: '#1f6fb2', 'stroke-width': 2 }));
    const minVisits = answer.thresholds.minVisitsPerMonth;
    values.forEach((v, i) => {
      if (v === null) return;
      const month = answer.months[i].month;
      const hits = answer.alerts.filter((a) => spec.alerts.includes(a.indicator) && a.period.from.slice(0, 7) === month);
      const unchecked = !spec.count && notChecked(answer.months[i], minVisits);
      const over = limit !== null && v > limit;
      svg.appendChild(
        pointMark(
          { month, cx: x(i), cy: y(v), alert: hits.length > 0, over, unchecked },
          `${month}: ${spec.value(answer.months[i])}` +
            (over ? ` — past the threshold ${limit}` : '') +
            (unchecked ? ` — not checked (${answer.months[i].visits} visits, under the minimum of ${minVisits})` : '') +
            hits.map((a) => `\n⚠ ${a.indicator} ${a.value} > ${a.threshold} (${a.clause})${a.open ? '' : ' — closed'}`).join(''),
        ),
      );
    });
    const fig = el('figure', {});
    const caption = el('figcaption', {}, spec.title);
    const skipped = spec.count ? [] : answer.months.filter((m) => notChecked(m, minVisits)).map((m) => m.month.slice(5));
    if (skipped.length)
      caption.appendChild(el('small', { class: 'unchecked-note' }, `months ${skipped.join(', ')} not checked (under ${minVisits} visits)`));
    fig.appendChild(caption);
    fig.appendChild(svg);
    return fig;
  }

  // Ratios and growth are judged only on months with at least the minimum visits (src/monitoring/evaluate.ts).
  function notChecked(month, minVisits) {
    return typeof minVisits === 'number' && month.visits > 0 && month.visits < minVisits;
  }

  // A month's point: red dot (alert), orange triangle (past the threshold), grey ring (not checked), else a small dot.
  function pointMark(p, text) {
    const classes = [p.alert ? 'alert-mark' : 'point', p.over ? 'over-threshold' : '', p.unchecked ? 'not-checked' : '']
      .filter(Boolean)
      .join(' ');
    const attrs = { class: classes, 'data-month': p.month };
    const shape =
      p.over && !p.alert
        ? svgEl('polygon', { ...attrs, points: `${p.cx},${p.cy - 7} ${p.cx - 6},${p.cy + 5} ${p.cx + 6},${p.cy + 5}`, fill: '#d35400' })
        : p.unchecked && !p.alert
          ? svgEl('circle', { ...attrs, cx: p.cx, cy: p.cy, r: 5, fill: '#fff', stroke: '#7f8c8d', 'stroke-width': 2 })
          : svgEl('circle', { ...attrs, cx: p.cx, cy: p.cy, r: p.alert ? 6 : 3, fill: p.alert ? '#c0392b' : '#1f6fb2' });
    const title = svgEl('title', {});
    title.textContent = text;
    shape.appendChild(title);
    return shape;
  }

  async function loadMonitoring() {
    takeKey();
    const code = $('monitoring-institution').value.trim();
    const yearNo = $('monitoring-year').value.trim();
    status('loading…');
    try {
      const answer = await api(`/monitoring/institutions/${encodeURIComponent(code)}/indicators?year=${encodeURIComponent(yearNo)}`);
      const box = $('monitoring-charts');
      box.textContent = '';
      for (const spec of MONITORING_CHARTS) box.appendChild(drawIndicatorChart(spec, answer));
      fillTable(
        'monitoring-alerts',
        answer.alerts.map((a) => {
          const tr = el('tr', { 'data-alert': a.alertId });
          for (const [v, cls] of [
            [a.period.from.slice(0, 7), 'l'],
            [a.indicator, 'l'],
            [a.value],
            [a.threshold],
            [a.clause, 'l'],
            [a.open ? 'open' : 'closed', 'l'],
          ])
            tr.appendChild(el('td', cls ? { class: cls } : {}, v));
          return tr;
        }),
        `No alerts for ${code} in ${yearNo}.`,
      );
      const minVisits = answer.thresholds.minVisitsPerMonth;
      const unchecked = answer.months.filter((m) => notChecked(m, minVisits)).map((m) => m.month.slice(5));
      $('monitoring-unchecked').textContent = unchecked.length
        ? `Shares and growth are checked only on months with at least ${minVisits} visits; not checked: ${unchecked.join(', ')}.`
        : `Every month with visits had at least ${minVisits}: all checked.`;
      status(`indicators of ${code} for ${yearNo}: ${answer.alerts.length} alert(s)`);
      document.body.setAttribute('data-monitoring-loaded', `${code}/${yearNo}`);
    } catch (e) {
      status(String(e.message || e), true);
    }
  }

  function showTab(monitoring) {
    document.querySelector('main:not(#monitoring)').hidden = monitoring;
    $('monitoring').hidden = !monitoring;
    $('tab-person').setAttribute('aria-selected', String(!monitoring));
    $('tab-monitoring').setAttribute('aria-selected', String(monitoring));
  }
  $('tab-person').addEventListener('click', () => showTab(false));
  $('tab-monitoring').addEventListener('click', () => showTab(true));
  $('monitoring-load').addEventListener('click', loadMonitoring);
})();
