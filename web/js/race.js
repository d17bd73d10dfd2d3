// The race view (#/race/<race_id>): the header and countdown, the pools,
// the runners and money-flow grid, the alerts and the results. It holds the
// race's state, merges each event of /races/<id> into it and redraws only
// the parts an event changed.
import { raceSnapshot } from './api.js';
import { $, esc, statusBadge } from './dom.js';
import { clock, countdown, dollars, newer, time } from './format.js';
import { Alerts } from './alerts.js';
import { renderGrid } from './grid.js';
import { renderResults } from './results.js';
import { Timeline, nowBucket } from './timeline.js';

export class RaceView {
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
    this.label = (entrantId) => this.runnerLabel(entrantId);
  }

  reset() {
    this.race = null;
    this.runners = new Map();     // entrant_id -> api.entrants row
    this.timeline = new Timeline();
    this.pools = null;
    this.results = null;
    this.alerts = new Alerts();
    this.odds = new Map();        // entrant_id -> fixed win odds moves, oldest first
    this.oddsIds = new Set();
  }

  async load() {
    const snap = await raceSnapshot(this.raceId);
    this.reset();
    this.race = snap.race;
    for (const e of snap.entrants) this.runners.set(e.entrant_id, e);
    for (const row of snap.timeline) this.timeline.merge(row);
    this.pools = snap.pools;
    this.results = snap.results;
    for (const a of snap.alerts.slice().reverse()) this.alerts.add(a);
    for (const o of snap.odds) this.addOdds(o);
    $('.error', this.root).hidden = true;
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
      for (const row of data.timeline || []) this.timeline.merge(row);
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
      if (this.alerts.arrived(data)) {
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
    if (all) this.alerts.renderFeed(this.root, this.label);
    else if (parts.has('new-alert')) this.alerts.insertFeed(this.root, this.label);
    if (all || parts.has('banner')) this.alerts.renderBanner(this.root, this.label);
    if (all || parts.has('results')) renderResults(this.root, this.results, this.race.status);
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

  renderGrid() {
    // A plunge's runner is highlighted in the grid as well as in the feed.
    const plunged = new Set(this.alerts.plunges().map((a) => a.entrant_id));
    this.nowBucket = renderGrid(this.root, { race: this.race, runners: this.runners, timeline: this.timeline,
      plunged, results: this.results, odds: this.odds });
  }

  runnerLabel(entrantId) {
    const e = this.runners.get(entrantId);
    return e ? `#${e.runner_number} ${e.name}` : 'runner';
  }

  tick() {
    // The bucket the race is in moves with the clock: redraw to move the marker.
    if (!this.loaded || this.race?.status !== 'open') return;
    if (nowBucket(this.race) !== this.nowBucket) this.renderGrid();
  }

  showError(err) {
    const p = $('.error', this.root);
    p.hidden = false;
    p.textContent = err.status === 404 ? `Race ${this.raceId} not found.`
      : `Could not load the race: ${err.message}. Retrying…`;
  }
}
