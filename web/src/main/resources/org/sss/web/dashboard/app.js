// The SSS dashboard: reads the suite's own XML (jobs, node states, the ring) from /api, the live events as
// server-sent events, and a job's output as it grows. Everything shown is set with textContent, never as HTML.
'use strict';

const state = { visitor: null, jobs: [], nodes: [], reservations: [], outputJob: null, outputTimer: null,
  refreshTimer: null, activityReadAt: 0 };
const ACTIVE = new Set(['queued', 'held', 'running', 'exiting']);

const $ = (selector) => document.querySelector(selector);

function element(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('data-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) node.append(child);
  return node;
}

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, options = {}) {
  const response = await fetch(path, { credentials: 'same-origin', ...options });
  const text = await response.text();
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  const root = doc.documentElement;
  if (!response.ok || root.nodeName === 'error') {
    throw new ApiError(response.status, (root && root.getAttribute('msg')) || response.statusText);
  }
  return root;
}

function attributes(el) {
  const out = {};
  for (const a of el.attributes) out[a.name] = a.value;
  return out;
}

function when(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const sameDay = date.toDateString() === new Date().toDateString();
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return sameDay ? time : `${date.toLocaleDateString()} ${time}`;
}

function showProblem(message) {
  const p = $('#problem');
  p.textContent = message || '';
  p.hidden = !message;
}

async function loadVisitor() {
  const v = attributes(await api('/api/session'));
  state.visitor = v;
  $('#cluster').textContent = v.cluster;
  document.title = `SSS · ${v.cluster}`;
  const label = { none: 'not signed in', read: v.name === 'loopback' ? 'reading (this machine)' : 'viewer',
    user: `signed in as ${v.user}`, admin: `administrator (${v.name})` }[v.level];
  $('#visitor-label').textContent = label;
  const signedIn = v.level === 'user' || v.level === 'admin' || v.name === 'viewer';
  $('#sign-in').hidden = signedIn;
  $('#sign-out').hidden = !signedIn;
}

function mayAct(job) {
  const v = state.visitor;
  return v && (v.level === 'admin' || (v.level === 'user' && v.user === job.user));
}

// resources_used as qstat -f names it: CPU time (h:mm:ss) and peak memory, when the job's nodes measured them.
function used(job) {
  const parts = [];
  if (job['cpu-time'] !== undefined) {
    const total = Math.round(Number(job['cpu-time']));
    const hms = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
    parts.push(`cpu ${hms[0]}:${String(hms[1]).padStart(2, '0')}:${String(hms[2]).padStart(2, '0')}`);
  }
  if (job['max-memory'] !== undefined) {
    let size = Number(job['max-memory']);
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let unit = 0;
    while (size >= 1024 && unit < units.length - 1) { size /= 1024; unit += 1; }
    parts.push(`mem ${unit === 0 ? size : size.toFixed(1)} ${units[unit]}`);
  }
  return parts.join(' · ');
}

function renderJobs() {
  const showDone = $('#show-done').checked;
  const jobs = state.jobs
    .filter((job) => showDone || ACTIVE.has(job.state))
    .sort((a, b) => (b.submitted || '').localeCompare(a.submitted || '') || b.id.localeCompare(a.id, undefined, { numeric: true }))
    .slice(0, 300);
  const body = $('#jobs tbody');
  body.replaceChildren(...jobs.map((job) => {
    const exit = job['exit-status'];
    const actions = element('td', { class: 'actions' });
    actions.append(element('button', { type: 'button', class: 'link', text: 'output', 'data-action': 'output',
      onclick: () => openOutput(job.id) }), ' ', element('button', { type: 'button', class: 'link', text: 'details',
      'data-action': 'details', onclick: () => openJob(job.id) }));
    if (ACTIVE.has(job.state) && mayAct(job)) {
      actions.append(' ', element('button', { type: 'button', class: 'danger', text: 'cancel', 'data-action': 'cancel',
        onclick: () => cancelJob(job.id) }));
    }
    const row = element('tr', { 'data-job': job.id }, [
      element('td', { text: job.id }),
      element('td', { text: job.name || '' }),
      element('td', { text: job.user || '' }),
      element('td', { text: job.queue || '' }),
      element('td', {}, [element('span', { class: `badge state ${job.state}`, text: job.state })]),
      element('td', { text: job.allocated || `${job.nodes || 1}×${job.ppn || 1}` }),
      element('td', { text: when(job.submitted) }),
      element('td', { text: when(job.started) }),
      element('td', { text: when(job.ended) }),
      element('td', { class: exit && exit !== '0' ? 'exit exit-bad' : 'exit', text: exit ?? '' }),
      element('td', { class: 'used', title: 'resources_used: CPU time and peak memory', text: used(job) }),
      element('td', { class: 'why', text: job.reason || '' }),
      actions,
    ]);
    if (state.outputJob === job.id) row.classList.add('selected');
    return row;
  }));
  $('#jobs-empty').hidden = jobs.length > 0;
  const running = state.jobs.filter((job) => job.state === 'running').length;
  const waiting = state.jobs.filter((job) => job.state === 'queued' || job.state === 'held').length;
  const up = state.nodes.filter((node) => node.state === 'up').length;
  $('#summary').replaceChildren(
    element('span', {}, [element('b', { text: String(running) }), ' running']),
    element('span', {}, [element('b', { text: String(waiting) }), ' waiting']),
    element('span', {}, [element('b', { text: `${up}/${state.nodes.length}` }), ' nodes up']));
}

function renderNodes() {
  const byNode = new Map();
  for (const job of state.jobs) {
    if (!ACTIVE.has(job.state) || !job.allocated) continue;
    for (const node of job.allocated.split(/\s+/)) {
      if (!byNode.has(node)) byNode.set(node, []);
      byNode.get(node).push(job.id);
    }
  }
  $('#nodes tbody').replaceChildren(...state.nodes.map((node) => element('tr', { 'data-node': node.name }, [
    element('td', { text: node.name }),
    element('td', { title: node.reason || '' }, [element('span', { class: `badge ${node.state}`, text: node.state })]),
    element('td', { text: node.slots || '' }),
    element('td', { text: (byNode.get(node.name) || []).join(', ') }),
  ])));
}

async function refresh() {
  try {
    await loadVisitor();
    if (state.visitor.level === 'none') {
      showProblem('Sign in with the viewer key (or your suite key) to see this cluster.');
      return;
    }
    const [jobs, nodes, ring, reservations] = await Promise.all([api('/api/jobs'), api('/api/nodes'), api('/api/ring'),
      api('/api/reservations').catch(() => null)]);
    state.jobs = [...jobs.getElementsByTagName('job')].map(attributes);
    state.nodes = [...nodes.getElementsByTagName('node-state')].map(attributes);
    state.reservations = reservations ? [...reservations.getElementsByTagName('reservation')].map(attributes) : [];
    renderJobs();
    renderNodes();
    renderRing(ring);
    renderTimeline(state.jobs, state.nodes, state.reservations);
    if (Date.now() - state.activityReadAt > 60_000) {
      state.activityReadAt = Date.now();
      api('/api/activity').then(renderActivity).catch((error) => {
        $('#activity-now').textContent = `activity unavailable: ${error.message}`;
      });
    }
    const detail = $('#job-detail');
    if (!detail.hidden && detail.dataset.job) openJob(detail.dataset.job);
    showProblem('');
  } catch (error) {
    showProblem(`Could not read the suite: ${error.message}`);
  }
}

function renderRing(ring) {
  const members = [...ring.getElementsByTagName('member')].map(attributes);
  $('#ring').replaceChildren(...members.map((m) => element('li', { title: m.address, text: m.id })));
  $('#ring-size').textContent = ring.getAttribute('configured') === 'true' ? `${members.length} mpd(s)` : 'not configured';
  const problem = ring.getAttribute('problem');
  $('#ring-problem').textContent = problem || '';
  $('#ring-problem').hidden = !problem;
}

function scheduleRefresh() {
  if (state.refreshTimer) return;
  state.refreshTimer = setTimeout(() => { state.refreshTimer = null; refresh(); }, 250);
}

function connectEvents() {
  const source = new EventSource('/api/events');
  source.onopen = () => { $('#feed-state').textContent = 'live'; };
  source.onerror = () => { $('#feed-state').textContent = 'reconnecting…'; };
  source.onmessage = (message) => {
    const doc = new DOMParser().parseFromString(message.data, 'application/xml');
    const e = attributes(doc.documentElement);
    const list = $('#events');
    list.prepend(element('li', { 'data-msg': e.msg }, [
      element('span', { class: 'time', text: when(e.time) }),
      element('span', { class: 'msg', text: e.msg }),
      element('span', { class: 'data', title: e.data, text: e.data }),
    ]));
    while (list.children.length > 150) list.lastElementChild.remove();
    scheduleRefresh();
  };
}

async function openOutput(id) {
  clearTimeout(state.outputTimer);
  state.outputJob = id;
  const token = {};
  state.outputToken = token;
  $('#output').hidden = false;
  $('#output-title').textContent = `Output of job ${id}`;
  const text = $('#output-text');
  text.textContent = '';
  renderJobs();
  let offset = 0;
  const poll = async () => {
    if (state.outputToken !== token) return;
    try {
      const response = await fetch(`/api/jobs/${encodeURIComponent(id)}/output?offset=${offset}`, { credentials: 'same-origin' });
      if (!response.ok) {
        const doc = new DOMParser().parseFromString(await response.text(), 'application/xml');
        text.textContent = doc.documentElement.getAttribute('msg') || response.statusText;
        $('#output-state').textContent = '';
        return;
      }
      const chunk = await response.text();
      const jobState = response.headers.get('X-SSS-Job-State');
      const problem = response.headers.get('X-SSS-Output-Problem');
      offset = Number(response.headers.get('X-SSS-Next-Offset'));
      if (chunk) {
        const atBottom = text.scrollTop + text.clientHeight >= text.scrollHeight - 4;
        text.append(chunk);
        if (atBottom) text.scrollTop = text.scrollHeight;
      }
      $('#output-state').textContent = problem || jobState;
      if (jobState !== 'completed' || chunk) state.outputTimer = setTimeout(poll, 1000);
    } catch (error) {
      $('#output-state').textContent = error.message;
      state.outputTimer = setTimeout(poll, 2000);
    }
  };
  poll();
}

async function cancelJob(id) {
  if (!confirm(`Cancel job ${id}?`)) return;
  try {
    await api(`/api/jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST', headers: { 'X-SSS-Action': 'cancel' } });
    refresh();
  } catch (error) {
    showProblem(`Job ${id} was not cancelled: ${error.message}`);
  }
}

function wire() {
  $('#sign-in').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('/api/session', { method: 'POST', body: $('#key').value });
      $('#key').value = '';
      refresh();
    } catch (error) {
      showProblem(`Sign-in refused: ${error.message}`);
    }
  });
  $('#sign-out').addEventListener('click', async () => {
    await api('/api/session', { method: 'DELETE' });
    refresh();
  });
  $('#show-done').addEventListener('change', renderJobs);
  $('#job-close').addEventListener('click', () => { $('#job-detail').hidden = true; delete $('#job-detail').dataset.job; });
  $('#output-close').addEventListener('click', () => {
    state.outputToken = null;
    state.outputJob = null;
    clearTimeout(state.outputTimer);
    $('#output').hidden = true;
    renderJobs();
  });
}

wire();
refresh();
connectEvents();
setInterval(refresh, 5000);
