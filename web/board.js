// raceday race board: plain JavaScript, no framework, no build step.
//
// Each view loads its state once over HTTP (the PostgREST API named by
// /config.json), then changes ONLY from the server-sent events of `live`
// (/upcoming or /races/{id}, see spec-live.md): no polling while live.
// A `hello` (fresh connection), `reset` or `resync` reloads over HTTP;
// events that arrive during a load are queued and applied after it, and
// every merge is idempotent, so applying one the snapshot already holds
// is harmless.
//
// window.raceday is the hook for tests and benchmarks: it is updated after
// the DOM shows an event (renderedAt on the performance clock, in epoch ms).
'use strict';

// DOMAIN.md §7: the client's six indicator ranges, used when the API cannot
// answer /rpc/alert_configs.
const DEFAULT_INDICATORS = [
  { min: 5, max: 10, color: '#E5E7EB' }, { min: 10, max: 15, color: '#BFDBFE' },
  { min: 15, max: 20, color: '#FEF3C7' }, { min: 20, max: 25, color: '#FED7AA' },
  { min: 25, max: 50, color: '#FECACA' }, { min: 50, max: null, color: '#F3E8FF' },
];
// Buckets always shown (DOMAIN.md §2), so columns do not jump around as the
// race's data arrives; others that hold data (-3.5, -4 ...) are added.
const BASE_BUCKETS = [60, 55, 50, 45, 40, 35, 30, 25, 20, 15, 10, 5, 4, 3, 2, 1, 0,
  -0.5, -1, -1.5, -2, -2.5, -3];
// The whole day ahead rather than a few hours: the /upcoming stream tells of
// status changes, not of races entering a window, so a short window would
// never show later races without a reload. Races stay 30 min after their
// start so their results can be seen, then drop off (LOOKBACK_MS).
const UPCOMING_QUERY = 'rpc/upcoming_races?window_minutes=1440&lookback_minutes=30&max_races=500';
const LOOKBACK_MS = 30 * 60e3;
const TIMELINE_COLUMNS = 'id,entrant_id,time_interval,incremental_win_amount,incremental_place_amount,' +
  'win_pool_amount,place_pool_amount,event_timestamp';
const FALLBACK_LOAD_MS = 3000;   // no `hello` by then: show the HTTP state anyway
const MAX_ALERTS_SHOWN = 200;   // the feed keeps the newest; the count says how many in all
const OFFLINE_AFTER_MS = 10000;  // failing this long: "offline" rather than "reconnecting"

const epochNow = () => performance.timeOrigin + performance.now();

const rd = window.raceday = {
  lastEventId: null, lastEventAt: null, eventsApplied: 0, lastApplied: null,
  connection: 'offline', view: null, loadedAt: null,
};

const cfg = { api: '', live: '' };
let indicators = DEFAULT_INDICATORS;
let view = null;          // the view on screen: UpcomingView or RaceView
let lastDataAt = null;    // when the screen last received data (HTTP or event)

// -- small helpers ----------------------------------------------------------

const $ = (sel, root = document) => root.querySelector(sel);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g,
  (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const num = (v) => (v === null || v === undefined || v === '' ? null : Number(v));
const pad2 = (n) => String(n).padStart(2, '0');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Buckets arrive as 30.0, "30.0" or 30: one spelling for keys and data-bucket.
const bucketKey = (v) => String(Number(v));
const bucketLabel = (b) => (b < 0 ? `\u2212${-b}` : String(b));
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '');
const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : '');
// Is timestamp a at least as recent as b? (an unknown one counts as newer)
const newer = (a, b) => !a || !b || Date.parse(a) >= Date.parse(b);
const odds = (v) => (num(v) ? Number(v).toFixed(2) : '\u2013');

// Amounts are integer cents (DOMAIN.md §7): shown in whole dollars.
function dollars(cents) {
  if (cents === null || cents === undefined) return '\u2013';
  return '$' + Math.round(Number(cents) / 100).toLocaleString('en-NZ');
}

// A bucket cell has about 40 px: 950, 12.3k, 123k.
function compactDollars(cents) {
  const d = Number(cents) / 100;
  const a = Math.abs(d);
  const s = a < 1000 ? String(Math.round(a)) : a < 10000 ? (a / 1000).toFixed(1) + 'k' : Math.round(a / 1000) + 'k';
  return (d < 0 && s !== '0' ? '\u2212' : '') + s;
}

// Minutes to start -> bucket, as the database computes it (DOMAIN.md §2).
function bucketOf(t) {
  if (t >= 60) return 60;
  if (t >= 5) return Math.floor(t / 5) * 5;
  if (t >= 1) return Math.floor(t);
  if (t >= 0) return 0;
  if (t >= -5) return Math.floor(t * 2) / 2;
  return Math.ceil(t);
}

// The status wins over the clock: a race that is off is "jumped" even if
// its advertised start is still ahead (a clock off by a little, an early start).
function countdown(startIso, status) {
  if (status === 'abandoned') return { text: 'abandoned', cls: 'jumped' };
  if (['closed', 'interim', 'final'].includes(status)) return { text: 'jumped', cls: 'jumped' };
  const s = Math.round((Date.parse(startIso) - Date.now()) / 1000);
  if (Number.isNaN(s)) return { text: '', cls: '' };
  if (s <= 0) return { text: 'jumped', cls: 'jumped' };
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const text = h ? `${h}:${pad2(m)}:${pad2(sec)}` : `${pad2(m)}:${pad2(sec)}`;
  return { text, cls: s <= 60 ? 'imminent' : s <= 300 ? 'soon' : '' };
}

function colourFor(share) {
  if (share === null) return null;
  const s = Math.round(share * 1e6) / 1e6;    // exactly 5 % is 5 %
  const hit = indicators.find((i) => s >= i.min && (i.max === null || s < i.max));
  return hit ? hit.color : null;
}

function statusBadge(status) {
  const s = status || 'unknown';
  return `<span class="badge status-${esc(s)}" data-status="${esc(s)}">${esc(s)}</span>`;
}

// -- HTTP -------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path) {
  let res;
  try {
    res = await fetch(cfg.api + path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, `the API at ${cfg.api} cannot be reached`);
  }
  if (!res.ok) {
    let message = res.statusText;
    try { message = (await res.json()).message || message; } catch (_) { /* not JSON */ }
    throw new ApiError(res.status, message);
  }
  return res.json();
}

// The API answers at most 1000 rows (db-max-rows): page until a short page.
async function apiAll(path, page = 1000) {
  const rows = [];
  for (let offset = 0; ; offset += page) {
    const got = await api(`${path}&limit=${page}&offset=${offset}`);
    rows.push(...got);
    if (got.length < page) return rows;
  }
}

async function loadConfig() {
  const res = await fetch('config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const c = await res.json();
  const withSlash = (u) => (u.endsWith('/') ? u : u + '/');
  cfg.api = withSlash(new URL(c.api_url || '/', location.href).href);
  // live_url "" means the origin that served the page.
  cfg.live = withSlash(c.live_url ? new URL(c.live_url, location.href).href : location.origin + '/');
}

async function loadIndicators() {
  try {
    const rows = await api('rpc/alert_configs?user_id=anonymous');
    const got = rows.filter((r) => r.enabled)
      .sort((a, b) => a.display_order - b.display_order)
      .map((r) => ({ min: num(r.percentage_range_min), max: num(r.percentage_range_max), color: r.color }));
    if (got.length) indicators = got;
  } catch (err) {
    console.warn('alert_configs unavailable, using the default indicators:', err.message);
  }
}

// -- connection indicator ---------------------------------------------------

function setConnection(state) {
  rd.connection = state;
  const el = $('#connection');
  if (el.dataset.connection === state) return;
  el.dataset.connection = state;
  $('.conn-label', el).textContent = state;
}

function tickAge() {
  const el = $('#data-age');
  if (lastDataAt === null) { el.textContent = 'no data yet'; return; }
  const s = Math.max(0, Math.floor((Date.now() - lastDataAt) / 1000));
  const text = s < 60 ? `updated ${s} s ago` : s < 3600 ? `updated ${Math.floor(s / 60)} min ago`
    : `updated ${Math.floor(s / 3600)} h ago`;
  if (el.textContent !== text) el.textContent = text;
}

// -- the event stream: one EventSource per view -----------------------------

class Feed {
  constructor(path, target) {
    this.path = path;
    this.view = target;
    this.lastId = '';       // the last event id seen, to resume after a closed stream
    this.queue = [];        // events that arrived while a load was running
    this.loading = false;
    this.pending = null;    // a load asked for while one runs
    this.retryMs = 1000;
    this.closed = false;
  }

  start() {
    this.open();
    // Without `live` the board still shows the state over HTTP (and says offline).
    this.fallback = setTimeout(() => {
      if (!this.view.loaded && !this.loading) this.reload({ type: 'fallback' });
    }, FALLBACK_LOAD_MS);
  }

  open() {
    const url = new URL(this.path, cfg.live);
    if (this.lastId) url.searchParams.set('last_event_id', this.lastId);
    const es = this.es = new EventSource(url);
    es.onopen = () => { this.retryMs = 1000; this.failingSince = null; setConnection('live'); };
    es.onerror = () => {
      if (this.closed) return;
      this.failingSince = this.failingSince || Date.now();
      if (es.readyState === EventSource.CLOSED) {
        // The server refused (or the browser gave up): retry ourselves,
        // resuming after the last event seen.
        setConnection('offline');
        clearTimeout(this.reopenTimer);
        this.reopenTimer = setTimeout(() => { setConnection('reconnecting'); this.open(); }, this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 30000);
      } else {
        // EventSource retries by itself, with Last-Event-ID; a stream that
        // has not come back for a while is called offline (still retried).
        setConnection(Date.now() - this.failingSince > OFFLINE_AFTER_MS ? 'offline' : 'reconnecting');
      }
    };
    for (const type of this.view.events) es.addEventListener(type, (e) => this.receive(type, e));
  }

  close() {
    this.closed = true;
    clearTimeout(this.fallback);
    clearTimeout(this.reopenTimer);
    if (this.es) this.es.close();
  }

  reopenIfClosed() {
    if (!this.closed && this.es && this.es.readyState === EventSource.CLOSED) {
      clearTimeout(this.reopenTimer);
      setConnection('reconnecting');
      this.open();
    }
  }

  receive(type, e) {
    if (this.closed) return;
    const receivedAt = epochNow();
    let data;
    try { data = JSON.parse(e.data); } catch (err) { console.warn(`bad ${type} event`, e.data); return; }
    if (e.lastEventId) this.lastId = e.lastEventId;
    rd.lastEventId = e.lastEventId || rd.lastEventId;
    rd.lastEventAt = receivedAt;
    const item = { type, id: e.lastEventId, data, receivedAt };
    if (type === 'hello' || type === 'reset' || type === 'resync') { this.reload(item); return; }
    if (!this.view.loaded && !this.loading) this.reload({ type: 'fallback' });   // nothing to apply it to yet
    if (this.loading) { this.queue.push(item); return; }
    const parts = this.view.apply(item);
    this.view.render(parts);
    applied([item]);
  }

  // Loads the view's state over HTTP, then applies what arrived meanwhile.
  async reload(cause) {
    this.pending = cause;
    if (this.loading) return;
    this.loading = true;
    try {
      await this.loadLoop();
    } finally {
      this.loading = false;     // even after a bug: the next hello or reset can load again
    }
  }

  async loadLoop() {
    let backoff = 1000;
    while (this.pending && !this.closed) {
      const why = this.pending;
      this.pending = null;
      this.queue = [];      // what came before this load is in its snapshot
      try {
        await this.view.load();
      } catch (err) {
        if (this.closed) break;
        this.view.showError(err);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 15000);
        this.pending = this.pending || why;
        continue;
      }
      if (this.closed) break;
      const queued = this.queue;
      this.queue = [];
      for (const item of queued) this.view.apply(item);
      this.view.loaded = true;
      this.view.render(null);   // everything
      rd.loadedAt = epochNow();
      applied([why, ...queued].filter((i) => i.type !== 'fallback'));
      lastDataAt = Date.now();
    }
  }
}

// Bookkeeping after the DOM shows events: the test and benchmark hook.
function applied(items) {
  if (!items.length) return;
  const renderedAt = epochNow();
  const last = items[items.length - 1];
  rd.eventsApplied += items.length;
  rd.lastApplied = { event: last.type, id: last.id, receivedAt: last.receivedAt, renderedAt };
  lastDataAt = Date.now();
  tickAge();
}

// -- upcoming view ----------------------------------------------------------

class UpcomingView {
  constructor() {
    this.events = ['hello', 'race', 'status', 'result', 'reset', 'resync'];
    this.races = new Map();      // race_id -> api.races row (+ results)
    this.loaded = false;
    this.root = document.createElement('section');
    this.root.className = 'upcoming';
    this.root.dataset.view = 'upcoming';
    this.root.innerHTML = `
      <div class="view-head"><h1>Upcoming races</h1><span class="muted" id="race-count"></span></div>
      <p class="error" hidden></p>
      <table class="races">
        <caption class="sr-only">Today's races, soonest first; choose one to watch its money flow.</caption>
        <colgroup><col class="c-start"><col class="c-in"><col class="c-meeting"><col>
          <col class="c-type"><col class="c-status"><col class="c-result"></colgroup>
        <thead><tr><th scope="col">Start</th><th scope="col">In</th><th scope="col">Meeting</th>
          <th scope="col">Race</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Result</th></tr></thead>
        <tbody><tr><td colspan="7" class="muted">Loading…</td></tr></tbody>
      </table>`;
    // The whole row opens the race; the race name stays a real link.
    this.root.addEventListener('click', (e) => {
      const tr = e.target.closest('tr[data-race-id]');
      if (tr && !e.target.closest('a')) location.hash = `#/race/${tr.dataset.raceId}`;
    });
  }

  async load() {
    const rows = await api(UPCOMING_QUERY);
    this.races = new Map(rows.map((r) => [r.race_id, r]));
    // Results of the races already run, for the Result column.
    const ran = rows.filter((r) => ['interim', 'final'].includes(r.status)).map((r) => r.race_id);
    if (ran.length) {
      const results = await api(`race_results?race_id=in.(${ran.join(',')})&select=race_id,results_data,result_status`);
      for (const res of results) if (this.races.has(res.race_id)) this.races.get(res.race_id).result = res;
    }
    $('.error', this.root).hidden = true;
  }

  apply({ type, data }) {
    if (!data || !data.race_id) return null;
    const known = this.races.get(data.race_id);
    if (type === 'race' || type === 'status') {
      if (known && !newer(data.updated_at, known.updated_at)) return null;
      this.races.set(data.race_id, { ...known, ...data });
    } else if (type === 'result') {
      if (known) known.result = data;
    }
    return null;
  }

  visible() {
    const cutoff = Date.now() - LOOKBACK_MS;
    return [...this.races.values()]
      .filter((r) => r.status !== 'abandoned' && Date.parse(r.start_time) >= cutoff)
      .sort((a, b) => Date.parse(a.start_time) - Date.parse(b.start_time) || (a.race_id < b.race_id ? -1 : 1));
  }

  render() {
    const rows = this.visible();
    this.shown = rows.length;
    $('#race-count', this.root).textContent = `${rows.length} race${rows.length === 1 ? '' : 's'}`;
    const body = rows.map((r) => {
      const cd = countdown(r.start_time, r.status);
      const winners = (r.result?.results_data || []).slice().sort((a, b) => a.position - b.position)
        .slice(0, 3).map((p) => `<span class="placing">${p.position}. #${esc(p.runner_number)}</span>`).join(' ');
      return `<tr data-race-id="${esc(r.race_id)}" data-status="${esc(r.status)}" data-start="${esc(r.start_time)}">
        <td class="num">${esc(time(r.start_time))}</td>
        <td class="num countdown ${cd.cls}" data-countdown="${esc(r.start_time)}" data-race-status="${esc(r.status)}">${cd.text}</td>
        <td>${esc(r.meeting_name)}</td>
        <td><a href="#/race/${esc(r.race_id)}"><span class="race-no">R${esc(r.race_number)}</span> ${esc(r.name)}</a></td>
        <td class="muted">${esc(r.race_type || r.type || '')}</td>
        <td>${statusBadge(r.status)}</td>
        <td>${winners}</td></tr>`;
    }).join('');
    $('tbody', this.root).innerHTML = body || '<tr><td colspan="7" class="muted">No races coming up.</td></tr>';
  }

  tick() {
    // Races drop off 30 min after their start: re-render when that changes the list.
    if (this.loaded && this.visible().length !== this.shown) this.render();
  }

  showError(err) {
    const p = $('.error', this.root);
    p.hidden = false;
    p.textContent = `Could not load the races: ${err.message}. Retrying…`;
  }
}

// -- race view --------------------------------------------------------------

class RaceView {
  constructor(raceId) {
    this.raceId = raceId;
    this.events = ['hello', 'status', 'poll', 'alert', 'reset', 'resync'];
    this.loaded = false;
    this.reset();
    this.root = document.createElement('section');
    this.root.className = 'race-view';
    this.root.dataset.view = 'race';
    this.root.dataset.raceId = raceId;
    this.root.innerHTML = `
      <div class="race-head" id="race-head"><p class="muted">Loading race…</p></div>
      <p class="error" hidden></p>
      <div class="plunge-banner" id="plunge-banner" role="alert" hidden></div>
      <section class="pools" id="pools" aria-label="Pools"></section>
      <section class="grid-section" aria-labelledby="grid-title">
        <div class="section-head"><h2 id="grid-title">Runners and money flow</h2>
          <div class="legend" id="legend"></div></div>
        <div class="grid-wrap"><table class="grid" id="grid"></table></div>
      </section>
      <div class="lower">
        <section class="alerts" aria-labelledby="alerts-title">
          <div class="section-head"><h2 id="alerts-title">Alerts</h2><span class="muted" id="alert-count"></span></div>
          <ol id="alerts" class="alert-feed" aria-live="polite" aria-relevant="additions"></ol>
        </section>
        <section class="results" id="results" aria-labelledby="results-title">
          <div class="section-head"><h2 id="results-title">Results</h2></div>
          <div id="results-body"><p class="muted">No results yet.</p></div>
        </section>
      </div>`;
  }

  reset() {
    this.race = null;
    this.runners = new Map();     // entrant_id -> api.entrants row
    this.timeline = new Map();    // `${entrant_id}|${bucket}` -> money_flow_timeline row
    this.pools = null;
    this.results = null;
    this.alerts = [];             // newest first
    this.alertIds = new Set();
    this.newAlerts = [];          // applied, not yet in the feed
    this.odds = new Map();        // entrant_id -> fixed win odds moves, oldest first
    this.oddsIds = new Set();
  }

  async load() {
    const id = this.raceId;
    const [races, entrants, timeline, pools, results, alerts, oddsRows] = await Promise.all([
      api(`races?race_id=eq.${id}`),
      api(`entrants?race_id=eq.${id}&order=runner_number`),
      apiAll(`money_flow_timeline?race_id=eq.${id}&select=${TIMELINE_COLUMNS}&order=time_interval.desc,entrant_id`),
      api(`race_pools?race_id=eq.${id}`),
      api(`race_results?race_id=eq.${id}`),
      // All of them (a few hundred at most), so a plunge is never paged out.
      apiAll(`race_alerts?race_id=eq.${id}&order=id.desc`),
      apiAll(`odds_history?race_id=eq.${id}&odds_type=eq.fixed_win&select=id,entrant_id,odds_type,odds,event_timestamp&order=event_timestamp,id`),
    ]);
    if (!races.length) throw new ApiError(404, `race ${id} not found`);
    this.reset();
    this.race = races[0];
    for (const e of entrants) this.runners.set(e.entrant_id, e);
    for (const row of timeline) this.mergeTimeline(row);
    this.pools = pools[0] || null;
    this.results = results[0] || null;
    for (const a of alerts.slice().reverse()) this.addAlert(a);
    for (const o of oddsRows) this.addOdds(o);
    $('.error', this.root).hidden = true;
  }

  mergeTimeline(row) {
    const key = `${row.entrant_id}|${bucketKey(row.time_interval)}`;
    const old = this.timeline.get(key);
    // Several polls may land in one bucket: the latest observation wins.
    if (!old || Date.parse(row.event_timestamp) >= Date.parse(old.event_timestamp)) this.timeline.set(key, row);
  }

  addAlert(a) {
    if (this.alertIds.has(a.id)) return false;
    this.alertIds.add(a.id);
    const at = this.alerts.findIndex((x) => x.id < a.id);     // newest first, by id
    this.alerts.splice(at < 0 ? this.alerts.length : at, 0, a);
    return true;
  }

  addOdds(o) {
    if (o.odds_type !== 'fixed_win' || this.oddsIds.has(o.id)) return;
    this.oddsIds.add(o.id);
    if (!this.odds.has(o.entrant_id)) this.odds.set(o.entrant_id, []);
    this.odds.get(o.entrant_id).push(o);
  }

  // Merges one event into the state; returns the parts of the page to redraw.
  apply({ type, data }) {
    if (!data || (data.race_id && data.race_id !== this.raceId)) return new Set();
    const parts = new Set();
    if (type === 'status') {
      if (!this.race || newer(data.updated_at, this.race.updated_at)) {
        this.race = { ...this.race, ...data };
        parts.add('head').add('grid').add('results');
      }
    } else if (type === 'poll') {
      for (const row of data.timeline || []) this.mergeTimeline(row);
      for (const r of data.runners || []) {
        const old = this.runners.get(r.entrant_id);
        // A queued event may be older than the snapshot just loaded.
        if (!old || newer(r.updated_at, old.updated_at)) this.runners.set(r.entrant_id, r);
      }
      if (data.pools && (!this.pools || newer(data.pools.last_updated, this.pools.last_updated))) {
        this.pools = data.pools;
        parts.add('pools');
      }
      if (data.results) { this.results = data.results; parts.add('results'); }
      for (const o of data.odds || []) this.addOdds(o);
      parts.add('grid');
    } else if (type === 'alert') {
      // One item added to the feed, not the feed redrawn: alerts come in bursts.
      if (this.addAlert(data)) {
        this.newAlerts.push(data);
        parts.add('new-alert');
        if (data.kind === 'plunge') parts.add('grid').add('banner');
      }
    }
    return parts;
  }

  render(parts) {
    if (!this.race) return;
    const all = !parts;
    if (all || parts.has('head')) this.renderHead();
    if (all || parts.has('pools')) this.renderPools();
    if (all || parts.has('grid')) this.renderGrid();
    if (all) this.renderAlerts();
    else if (parts.has('new-alert')) this.insertAlerts();
    if (all || parts.has('banner')) this.renderBanner();
    if (all || parts.has('results')) this.renderResults();
  }

  renderHead() {
    const r = this.race;
    const cd = countdown(r.start_time, r.status);
    const facts = [r.distance && `${r.distance} m`, r.track_condition, r.weather, r.race_type,
      r.field_size && `${r.field_size} runners`].filter(Boolean).map(esc).join(' · ');
    $('#race-head', this.root).innerHTML = `
      <div class="race-title">
        <p class="meeting"><a href="#/">\u2190 Upcoming</a> <span>${esc(r.meeting_name)}</span></p>
        <h1><span class="race-no">R${esc(r.race_number)}</span> ${esc(r.name)} ${statusBadge(r.status)}</h1>
        <p class="muted">${facts}</p>
      </div>
      <div class="race-clock">
        <div class="countdown big ${cd.cls}" data-countdown="${esc(r.start_time)}" data-race-status="${esc(r.status)}"
          aria-label="time to start">${cd.text}</div>
        <div class="muted">starts ${esc(time(r.start_time))}${r.start_time_nz ? ` (NZ ${esc(r.start_time_nz)})` : ''}
          ${r.actual_start && ['closed', 'interim', 'final'].includes(r.status) ? ` · off ${esc(clock(r.actual_start))}` : ''}</div>
      </div>`;
    document.title = `R${r.race_number} ${r.meeting_name} · raceday`;
  }

  renderPools() {
    const p = this.pools || {};
    const items = [['win', 'Win', p.win_pool_total], ['place', 'Place', p.place_pool_total],
      ['quinella', 'Quinella', p.quinella_pool_total], ['trifecta', 'Trifecta', p.trifecta_pool_total],
      ['exacta', 'Exacta', p.exacta_pool_total], ['first4', 'First 4', p.first4_pool_total],
      ['total', 'Total', p.total_race_pool]];
    $('#pools', this.root).innerHTML = `<h2 class="sr-only">Pools</h2><dl>${items.map(([key, label, cents]) =>
      `<div class="pool${key === 'total' ? ' total' : ''}" data-pool="${key}" data-cents="${cents ?? ''}">
        <dt>${label}</dt><dd>${dollars(cents)}</dd></div>`).join('')}</dl>`;
  }

  buckets() {
    const keys = new Set(BASE_BUCKETS.map(bucketKey));
    for (const row of this.timeline.values()) keys.add(bucketKey(row.time_interval));
    return [...keys].map(Number).sort((a, b) => b - a);
  }

  renderGrid() {
    const buckets = this.buckets();
    const runners = [...this.runners.values()].sort((a, b) => a.runner_number - b.runner_number);
    // Each runner's share of a bucket's money: its increment over the sum
    // of the bucket's positive increments (DOMAIN.md §7).
    const totals = new Map();
    let latest = null;
    for (const row of this.timeline.values()) {
      const k = bucketKey(row.time_interval);
      totals.set(k, (totals.get(k) || 0) + Math.max(Number(row.incremental_win_amount) || 0, 0));
      if (latest === null || Number(row.time_interval) < latest) latest = Number(row.time_interval);
    }
    const now = this.race.status === 'open'
      ? bucketOf((Date.parse(this.race.start_time) - Date.now()) / 60e3) : null;
    this.nowBucket = now;
    const plunged = new Set(this.alerts.filter((a) => a.kind === 'plunge').map((a) => a.entrant_id));
    const placing = new Map((this.results?.results_data || []).map((p) => [p.entrant_id, p.position]));

    const colClass = (b) => [b === 0 ? 'jump' : '', b === latest ? 'latest' : '', b === now ? 'now' : '']
      .filter(Boolean).join(' ');
    const head = `<caption class="sr-only">Runners of the race with odds and money, then the win money
      each runner took in each bucket (minutes to the start), coloured by its share of the bucket.</caption>
      <thead><tr>
        <th scope="col" rowspan="2" class="sticky c-no">#</th>
        <th scope="col" rowspan="2" class="sticky c-name">Runner</th>
        <th scope="colgroup" colspan="2">Fixed</th><th scope="colgroup" colspan="2">Tote</th>
        <th scope="colgroup" colspan="2">Money</th>
        <th scope="colgroup" colspan="${buckets.length}" class="flow-head">Win money per bucket ($, minutes to start)</th>
      </tr><tr>
        <th scope="col">Win</th><th scope="col">Place</th><th scope="col">Win</th><th scope="col">Place</th>
        <th scope="col">Win</th><th scope="col">Place</th>
        ${buckets.map((b) => `<th scope="col" class="bucket ${colClass(b)}" data-bucket="${bucketKey(b)}">${bucketLabel(b)}</th>`).join('')}
      </tr></thead>`;
    const rows = runners.map((e) => {
      const cls = [e.is_scratched ? 'scratched' : '', plunged.has(e.entrant_id) ? 'plunge' : '',
        e.favourite ? 'favourite' : ''].filter(Boolean).join(' ');
      const pos = placing.get(e.entrant_id);
      const cells = buckets.map((b) => {
        const k = bucketKey(b);
        const row = this.timeline.get(`${e.entrant_id}|${k}`);
        if (!row) return `<td class="cell ${colClass(b)}" data-bucket="${k}"></td>`;
        const inc = Number(row.incremental_win_amount) || 0;
        const total = totals.get(k);
        const share = inc > 0 && total > 0 ? (inc / total) * 100 : null;
        const colour = e.is_scratched ? null : colourFor(share);
        const title = `${bucketLabel(b)} min: ${inc < 0 ? '\u2212' : '+'}$${(Math.abs(inc) / 100).toFixed(2)}` +
          (share !== null ? `, ${share.toFixed(1)} % of the bucket` : '');
        return `<td class="cell ${colClass(b)}${inc < 0 ? ' negative' : ''}${inc === 0 ? ' zero' : ''}" data-bucket="${k}"
          data-amount="${inc}" data-share="${share === null ? '' : Math.round(share * 1e6) / 1e6}" title="${esc(title)}"
          ${colour ? `style="background:${esc(colour)}"` : ''}>${inc === 0 ? '\u00b7' : compactDollars(inc)}</td>`;
      }).join('');
      return `<tr data-entrant-id="${esc(e.entrant_id)}" data-runner-number="${esc(e.runner_number)}"
          data-scratched="${e.is_scratched ? 'true' : 'false'}" class="${cls}">
        <td class="sticky c-no num">${esc(e.runner_number)}</td>
        <th scope="row" class="sticky c-name"><span class="name" data-field="name">${esc(e.name)}</span>
          <span class="sub"><span class="jockey" data-field="jockey">${esc(e.jockey || '')}</span>${
            e.is_scratched ? '<span class="tag">scratched</span>' : ''}${
            plunged.has(e.entrant_id) ? '<span class="tag plunge-tag">plunge</span>' : ''}${
            pos ? `<span class="tag pos-${pos}">${ordinal(pos)}</span>` : ''}</span></th>
        <td class="num" data-field="fixed_win_odds">${odds(e.fixed_win_odds)}${this.trend(e)}</td>
        <td class="num" data-field="fixed_place_odds">${odds(e.fixed_place_odds)}</td>
        <td class="num" data-field="pool_win_odds">${odds(e.pool_win_odds)}</td>
        <td class="num" data-field="pool_place_odds">${odds(e.pool_place_odds)}</td>
        <td class="num money" data-field="win_pool_amount" data-cents="${e.win_pool_amount ?? ''}">${dollars(e.win_pool_amount)}</td>
        <td class="num money" data-field="place_pool_amount" data-cents="${e.place_pool_amount ?? ''}">${dollars(e.place_pool_amount)}</td>
        ${cells}</tr>`;
    }).join('');
    $('#grid', this.root).innerHTML = `${head}<tbody>${rows ||
      `<tr><td colspan="${8 + buckets.length}" class="muted">No runners yet.</td></tr>`}</tbody>`;
    $('#legend', this.root).innerHTML = '<span class="muted">share of bucket</span>' + indicators.map((i) =>
      `<span class="swatch" style="background:${esc(i.color)}">${i.min}${i.max === null ? '+' : `\u2013${i.max}`}%</span>`).join('');
  }

  // Fixed win odds against the first price seen: shortening is the insider's sign.
  trend(e) {
    const moves = this.odds.get(e.entrant_id);
    const first = moves && moves.length ? num(moves[0].odds) : null;
    const cur = num(e.fixed_win_odds);
    if (!first || !cur || Math.abs(cur - first) < 0.01) return '';
    const pct = Math.round(((cur - first) / first) * 100);
    return cur < first
      ? `<span class="trend in" title="from ${first.toFixed(2)}">\u25bc${-pct}%</span>`
      : `<span class="trend out" title="from ${first.toFixed(2)}">\u25b2${pct}%</span>`;
  }

  renderAlerts() {
    this.newAlerts = [];
    const shown = this.alerts.slice(0, MAX_ALERTS_SHOWN);
    $('#alert-count', this.root).textContent = this.alerts.length ? `${this.alerts.length}` : '';
    $('#alerts', this.root).innerHTML = shown.map((a) => this.alertItem(a)).join('') ||
      '<li class="muted empty">No alerts yet.</li>';
  }

  insertAlerts() {
    const list = $('#alerts', this.root);
    $('.empty', list)?.remove();
    for (const a of this.newAlerts) {
      const before = [...list.children].find((li) => Number(li.dataset.alertId) < a.id);
      const tmp = document.createElement('template');
      tmp.innerHTML = this.alertItem(a);
      list.insertBefore(tmp.content.firstElementChild, before || null);
    }
    this.newAlerts = [];
    while (list.children.length > MAX_ALERTS_SHOWN) list.lastElementChild.remove();
    $('#alert-count', this.root).textContent = `${this.alerts.length}`;
  }

  renderBanner() {
    const plunges = this.alerts.filter((a) => a.kind === 'plunge');
    const banner = $('#plunge-banner', this.root);
    banner.hidden = !plunges.length;
    banner.innerHTML = plunges.map((a) => `<strong>PLUNGE</strong> ${esc(this.runnerLabel(a.entrant_id))}:
      ${esc(fmtPct(a.share))} of the money at ${esc(bucketLabel(Number(a.time_interval)))} min` +
      `${a.evidence?.odds ? `, fixed win ${esc(a.evidence.odds.map(odds).join(' \u2192 '))}` : ''}`).join('<br>');
  }

  runnerLabel(entrantId) {
    const e = this.runners.get(entrantId);
    return e ? `#${e.runner_number} ${e.name}` : 'runner';
  }

  alertItem(a) {
    const ev = a.evidence || {};
    const oddsMove = ev.odds ? ev.odds.map(odds).join(' \u2192 ') : '';
    const what = a.kind === 'plunge'
      ? `took ${fmtPct(a.share)} of the bucket's money (${fmtPct(ev.pool_share_before)} of the pool before); fixed win ${oddsMove}`
      : a.kind === 'odds'
        ? `fixed win ${oddsMove} (${fmtPct(a.value)} shorter)`
        : `share of the bucket up ${num(a.value)?.toFixed(1)} points to ${fmtPct(a.share)}`;
    return `<li class="alert kind-${esc(a.kind)}" data-alert-kind="${esc(a.kind)}" data-alert-id="${esc(a.id)}"
        data-entrant-id="${esc(a.entrant_id)}">
      <span class="alert-time">${esc(clock(a.observed_at))}</span>
      <span class="badge kind">${esc(a.kind)}</span>
      <span class="alert-bucket">${esc(bucketLabel(Number(a.time_interval)))} min</span>
      <span class="alert-runner">${esc(this.runnerLabel(a.entrant_id))}</span>
      <span class="alert-what">${esc(what)}</span></li>`;
  }

  renderResults() {
    const res = this.results;
    const body = $('#results-body', this.root);
    if (!res || !res.results_available && !(res.results_data || []).length) {
      body.innerHTML = `<p class="muted">${['interim', 'final'].includes(this.race.status) ? 'Waiting for results…' : 'No results yet.'}</p>`;
      return;
    }
    const placings = (res.results_data || []).slice().sort((a, b) => a.position - b.position);
    // Each pool appears once per status: show the final dividends once there are any.
    const divs = res.dividends_data || [];
    const finals = divs.filter((d) => /final/i.test(d.status || ''));
    const shown = finals.length ? finals : divs;
    const flags = [res.photo_finish && 'photo finish', res.stewards_inquiry && 'stewards inquiry',
      res.protest_lodged && 'protest'].filter(Boolean);
    body.innerHTML = `
      <p>${statusBadge(res.result_status)} ${flags.map((f) => `<span class="badge flag">${esc(f)}</span>`).join(' ')}</p>
      <ol class="placings">${placings.map((p) => `<li data-position="${esc(p.position)}" data-entrant-id="${esc(p.entrant_id)}">
        <span class="pos pos-${esc(p.position)}">${esc(p.position)}</span> #${esc(p.runner_number)} ${esc(p.name)}
        <span class="muted">${esc(p.positional_margin || '')}</span></li>`).join('')}</ol>
      ${shown.length ? `<table class="dividends"><caption class="sr-only">Dividends</caption>
        <thead><tr><th scope="col">Pool</th><th scope="col">Runners</th><th scope="col" class="num">Dividend</th></tr></thead>
        <tbody>${shown.map((d) => `<tr><td>${esc(String(d.product_name || '').replace(/^Pool /, ''))}</td>
          <td>${esc(d.description || (d.positions || []).map((x) => x.runner_number).join('-'))}</td>
          <td class="num">$${esc(Number(d.dividend).toFixed(2))}</td></tr>`).join('')}</tbody></table>` : ''}`;
  }

  tick() {
    // The bucket the race is in moves with the clock: redraw to move the marker.
    if (!this.loaded || this.race?.status !== 'open') return;
    const now = bucketOf((Date.parse(this.race.start_time) - Date.now()) / 60e3);
    if (now !== this.nowBucket) this.renderGrid();
  }

  showError(err) {
    const p = $('.error', this.root);
    p.hidden = false;
    p.textContent = err.status === 404 ? `Race ${this.raceId} not found.`
      : `Could not load the race: ${err.message}. Retrying…`;
  }
}

const ordinal = (n) => `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n] || 'th'}`;

function fmtPct(v) {
  const n = num(v);
  return n === null ? '?' : `${n.toFixed(1)} %`;
}

// -- routing and the clock --------------------------------------------------

function route() {
  if (view) view.feed.close();
  const m = location.hash.match(/^#\/race\/([0-9a-fA-F-]{36})$/);
  view = m ? new RaceView(m[1].toLowerCase()) : new UpcomingView();
  rd.view = m ? 'race' : 'upcoming';
  rd.loadedAt = null;
  lastDataAt = null;
  setConnection('reconnecting');
  $('#app').replaceChildren(view.root);
  if (m) $('#nav-upcoming').removeAttribute('aria-current');
  else $('#nav-upcoming').setAttribute('aria-current', 'page');
  document.title = 'raceday board';
  view.feed = new Feed(m ? `races/${view.raceId}` : 'upcoming', view);
  view.feed.start();
}

function tick() {
  for (const el of document.querySelectorAll('[data-countdown]')) {
    const cd = countdown(el.dataset.countdown, el.dataset.raceStatus);
    if (el.textContent !== cd.text) el.textContent = cd.text;
    el.classList.toggle('jumped', cd.cls === 'jumped');
    el.classList.toggle('imminent', cd.cls === 'imminent');
    el.classList.toggle('soon', cd.cls === 'soon');
  }
  tickAge();
  if (view && view.tick) view.tick();
}

async function main() {
  try {
    await loadConfig();
  } catch (err) {
    $('#app').innerHTML = `<p class="error">The board cannot start: ${esc(err.message)}.</p>`;
    return;
  }
  await loadIndicators();
  window.addEventListener('hashchange', route);
  window.addEventListener('offline', () => setConnection('offline'));
  window.addEventListener('online', () => view && view.feed.reopenIfClosed());
  route();
  setInterval(tick, 1000);
}

main();
