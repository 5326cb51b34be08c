// The dashboard's pictures: the schedule as nodes × time (running jobs by user, the scheduler's planned starts,
// backfill windows, reservations), the last day's activity, and one job's page (its events and accounting record).
// Drawn as SVG with createElementNS and textContent only. app.js calls renderTimeline, renderActivity, openJob.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const MINUTE = 60_000;
const ROW = 26;
const LABEL = 96;
const AXIS = 22;

function svg(tag, attrs = {}, children = []) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, String(value));
  }
  for (const child of children) node.append(child);
  return node;
}

function userColour(user) {
  let hash = 0;
  for (const c of user || '?') hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 62% 52%)`;
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function nodesOf(text) {
  return (text || '').trim().split(/\s+/).filter(Boolean);
}

// What the timeline shows: [{kind, node, start, end, open, job, user, label}], from the jobs, reservations, now.
function scheduleItems(jobs, reservations, now) {
  const items = [];
  for (const job of jobs) {
    const walltime = Number(job.walltime || 0) * 1000;
    if ((job.state === 'running' || job.state === 'exiting') && job.allocated && job.started) {
      const start = Date.parse(job.started);
      const end = walltime > 0 ? Math.max(start + walltime, now) : null;
      for (const node of nodesOf(job.allocated)) {
        items.push({ kind: 'running', node, start, end, job: job.id, user: job.user,
          label: `${job.id} ${job.name || ''} (${job.user})` });
      }
    } else if (job.state === 'queued' && job['expected-start']) {
      const start = Math.max(Date.parse(job['expected-start']), now);
      const end = walltime > 0 ? start + walltime : null;
      for (const node of nodesOf(job['expected-nodes'])) {
        items.push({ kind: 'planned', node, start, end, job: job.id, user: job.user,
          label: `${job.id} planned (${job.user})` });
      }
    }
  }
  for (const r of reservations) {
    for (const node of nodesOf(r.nodes)) {
      items.push({ kind: 'reservation', node, start: Date.parse(r.start), end: Date.parse(r.end), reservation: r.id,
        label: `reservation ${r.id} (${r.users})` });
    }
  }
  return items;
}

// Idle stretches on a node between now, what holds it and what is planned on it: what a short job could backfill.
function backfillWindows(nodes, items, now) {
  const windows = [];
  for (const node of nodes) {
    if (node.state !== 'up') continue;
    const mine = items.filter((item) => item.node === node.name).sort((a, b) => a.start - b.start);
    let free = now;
    for (const item of mine) {
      if (item.kind !== 'running' && item.start - free >= MINUTE) {
        windows.push({ node: node.name, start: free, end: item.start });
      }
      free = Math.max(free, item.end ?? Infinity);
      if (!Number.isFinite(free)) break;
    }
  }
  return windows;
}

function tickStep(span) {
  for (const minutes of [5, 10, 15, 30, 60, 120, 240, 360]) {
    if (span / (minutes * MINUTE) <= 10) return minutes * MINUTE;
  }
  return 720 * MINUTE;
}

// Draws the schedule into #timeline. Exposes its scale as data-from/data-to/data-x0/data-x1 (ms and px).
function renderTimeline(jobs, nodes, reservations) {
  const host = document.querySelector('#timeline');
  const now = Date.now();
  const items = scheduleItems(jobs, reservations, now);
  const windows = backfillWindows(nodes, items, now);
  const from = now - 15 * MINUTE;
  const latest = Math.max(now + 2 * 60 * MINUTE, ...items.map((i) => (i.end ?? i.start) + 10 * MINUTE));
  const to = Math.min(latest, now + 24 * 60 * MINUTE);
  const width = Math.max(640, host.clientWidth || 960);
  const x0 = LABEL;
  const x1 = width - 8;
  const x = (t) => x0 + ((Math.min(Math.max(t, from), to) - from) / (to - from)) * (x1 - x0);
  const height = AXIS + ROW * Math.max(1, nodes.length) + 4;
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': 'schedule: nodes by time', 'data-from': from, 'data-to': to, 'data-x0': x0, 'data-x1': x1 });
  const step = tickStep(to - from);
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    root.append(svg('line', { class: 'tick', x1: x(t), x2: x(t), y1: AXIS - 4, y2: height }),
      svg('text', { class: 'tick-label', x: x(t) + 3, y: AXIS - 8, text: clock(t) }));
  }
  const rowOf = new Map(nodes.map((node, i) => [node.name, i]));
  nodes.forEach((node, i) => {
    const y = AXIS + i * ROW;
    root.append(svg('g', { class: `row ${node.state}`, 'data-node': node.name, 'data-y': y }, [
      svg('rect', { class: 'row-bg', x: 0, y, width, height: ROW }),
      svg('text', { class: 'row-label', x: 6, y: y + ROW / 2 + 4, text: `${node.name} · ${node.state}` }),
    ]));
  });
  for (const w of windows) {
    const y = AXIS + rowOf.get(w.node) * ROW;
    root.append(svg('rect', { class: 'window', 'data-node': w.node, x: x(w.start), y: y + 3,
      width: Math.max(1, x(w.end) - x(w.start)), height: ROW - 6 }, [
      svg('title', { text: `backfill window on ${w.node}: ${clock(w.start)}–${clock(w.end)}` })]));
  }
  for (const item of items) {
    if (!rowOf.has(item.node)) continue;
    const y = AXIS + rowOf.get(item.node) * ROW;
    const end = item.end ?? to;
    const attrs = { class: `bar ${item.kind}${item.end == null ? ' open' : ''}`, 'data-node': item.node,
      'data-start': item.start, 'data-end': end };
    if (item.job) attrs['data-job'] = item.job;
    if (item.reservation) attrs['data-reservation'] = item.reservation;
    const left = x(item.start);
    const barWidth = Math.max(2, x(end) - left);
    const rect = svg('rect', { x: left, y: y + 4, width: barWidth, height: ROW - 8, rx: 3 });
    if (item.kind !== 'reservation') rect.setAttribute('fill', userColour(item.user));
    const group = svg('g', attrs, [rect, svg('title', { text: `${item.label}: ${clock(item.start)}–${item.end ? clock(end) : 'no walltime'}` })]);
    if (barWidth > 40) group.append(svg('text', { class: 'bar-label', x: left + 4, y: y + ROW / 2 + 4, text: item.label }));
    if (item.job) group.addEventListener('click', () => openJob(item.job));
    root.append(group);
  }
  root.append(svg('line', { class: 'now', x1: x(now), x2: x(now), y1: AXIS - 4, y2: height }),
    svg('text', { class: 'now-label', x: x(now) + 3, y: height - 4, text: 'now' }));
  host.replaceChildren(root);
}

// Draws the last day's utilisation (area) and waiting jobs (line) into #activity from an <activity> element.
function renderActivity(activity) {
  const host = document.querySelector('#activity');
  const samples = [...activity.getElementsByTagName('sample')].map((s) => ({
    start: Date.parse(s.getAttribute('start')), busy: Number(s.getAttribute('busy-nodes')),
    waiting: Number(s.getAttribute('waiting')) }));
  const nodes = Math.max(1, Number(activity.getAttribute('nodes')));
  const width = Math.max(640, host.clientWidth || 960);
  const height = 120;
  const top = 14;
  const bottom = height - 18;
  const maxWaiting = Math.max(1, ...samples.map((s) => s.waiting));
  const x = (i) => 40 + (i / Math.max(1, samples.length - 1)) * (width - 48);
  const y = (fraction) => bottom - fraction * (bottom - top);
  const area = samples.map((s, i) => `${x(i)},${y(Math.min(1, s.busy / nodes))}`);
  const line = samples.map((s, i) => `${x(i)},${y(s.waiting / maxWaiting)}`);
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': 'utilisation and queue length over the last 24 hours' }, [
    svg('polygon', { class: 'utilisation', points: [`${x(0)},${bottom}`, ...area, `${x(samples.length - 1)},${bottom}`].join(' ') }),
    svg('polyline', { class: 'waiting', points: line.join(' ') }),
    svg('text', { class: 'tick-label', x: 2, y: top + 4, text: '100%' }),
    svg('text', { class: 'tick-label', x: 2, y: bottom, text: '0' }),
    svg('text', { class: 'tick-label waiting-label', x: width - 150, y: top - 2, text: `waiting (max ${maxWaiting.toFixed(1)})` }),
  ]);
  for (let i = 0; i < samples.length; i += 16) {
    root.append(svg('text', { class: 'tick-label', x: x(i), y: height - 4, text: clock(samples[i].start) }));
  }
  const busyNow = samples.length ? samples[samples.length - 1].busy : 0;
  document.querySelector('#activity-now').textContent =
    `${Math.round((100 * busyNow) / nodes)}% of ${nodes} node(s) busy this quarter hour`;
  host.replaceChildren(root);
}

// A job's page: its attributes, its accounting record (once it completed) and its events.
async function openJob(id) {
  const card = document.querySelector('#job-detail');
  card.hidden = false;
  card.dataset.job = id;
  document.querySelector('#job-title').textContent = `Job ${id}`;
  const facts = document.querySelector('#job-facts');
  const events = document.querySelector('#job-events');
  facts.replaceChildren();
  events.replaceChildren();
  try {
    const [jobs, accounting, log] = await Promise.all([api('/api/jobs'), api(`/api/jobs/${encodeURIComponent(id)}/accounting`),
      api(`/api/jobs/${encodeURIComponent(id)}/events`)]);
    const job = [...jobs.getElementsByTagName('job')].map(attributes).find((j) => j.id === id);
    const record = [...accounting.getElementsByTagName('record')].map(attributes)[0];
    const shown = { ...(job || {}), ...(record || {}) };
    for (const key of ['user', 'name', 'queue', 'state', 'allocated', 'submitted', 'started', 'ended', 'exit-status',
      'reason', 'walltime', 'walltime-used', 'cpu-time', 'max-memory', 'expected-start', 'expected-nodes']) {
      if (shown[key] === undefined || shown[key] === '') continue;
      facts.append(element('dt', { text: key }), element('dd', { 'data-field': key, text: shown[key] }));
    }
    facts.append(element('dt', { text: 'accounting' }),
      element('dd', { 'data-field': 'accounting', text: record ? 'recorded' : 'none yet (written when the job completes)' }));
    for (const e of log.getElementsByTagName('event')) {
      const a = attributes(e);
      const child = e.firstElementChild ? attributes(e.firstElementChild) : {};
      const detail = [child.state, child['exit-status'] !== undefined ? `exit ${child['exit-status']}` : '', child.reason]
        .filter(Boolean).join(' · ');
      events.append(element('li', { 'data-msg': a.msg }, [
        element('span', { class: 'time', text: when(a.time) }),
        element('span', { class: 'msg', text: a.msg }),
        element('span', { class: 'data', text: detail }),
      ]));
    }
    if (!events.children.length) events.append(element('li', { class: 'muted', text: 'no events in the log for this job' }));
  } catch (error) {
    facts.append(element('dd', { text: `Could not read job ${id}: ${error.message}` }));
  }
}
