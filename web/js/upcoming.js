// The upcoming view (#/): the day's races soonest first, with a ticking
// countdown, status and placings; a click opens the race. It listens to
// /upcoming: races added, status and start changes, results.
import { placingsOf, upcomingRaces } from './api.js';
import { $, esc, statusBadge } from './dom.js';
import { countdown, newer, time } from './format.js';

// The whole day ahead rather than a few hours: the /upcoming stream tells of
// status changes, not of races entering a window, so a short window would
// never show later races without a reload. Races stay 30 min after their
// start so their results can be seen, then drop off (LOOKBACK_MS).
const WINDOW = { windowMinutes: 1440, lookbackMinutes: 30, maxRaces: 500 };
const LOOKBACK_MS = WINDOW.lookbackMinutes * 60e3;

export class UpcomingView {
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
    const rows = await upcomingRaces(WINDOW);
    this.races = new Map(rows.map((r) => [r.race_id, r]));
    // Results of the races already run, for the Result column.
    const ran = rows.filter((r) => ['interim', 'final'].includes(r.status)).map((r) => r.race_id);
    if (ran.length) {
      const results = await placingsOf(ran);
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
