// A race's alerts (money, odds, plunge): the feed, newest first by id, and
// the plunge banner. data-alert-kind and data-alert-id are test hooks.
import { $, esc } from './dom.js';
import { clock, fmtPct, num, odds } from './format.js';
import { bucketLabel } from './timeline.js';

const MAX_ALERTS_SHOWN = 200;   // the feed keeps the newest; the count says how many in all

export class Alerts {
  constructor() {
    this.list = [];           // newest first
    this.ids = new Set();
    this.fresh = [];          // applied, not yet in the feed
  }

  // From the snapshot: false if it is already known.
  add(a) {
    if (this.ids.has(a.id)) return false;
    this.ids.add(a.id);
    const at = this.list.findIndex((x) => x.id < a.id);     // newest first, by id
    this.list.splice(at < 0 ? this.list.length : at, 0, a);
    return true;
  }

  // From the stream: also to be inserted in the feed by insertFeed().
  arrived(a) {
    if (!this.add(a)) return false;
    this.fresh.push(a);
    return true;
  }

  plunges() {
    return this.list.filter((a) => a.kind === 'plunge');
  }

  // label(entrant_id) names a runner: "#3 Name".
  renderFeed(root, label) {
    this.fresh = [];
    const shown = this.list.slice(0, MAX_ALERTS_SHOWN);
    $('#alert-count', root).textContent = this.list.length ? `${this.list.length}` : '';
    $('#alerts', root).innerHTML = shown.map((a) => alertItem(a, label)).join('') ||
      '<li class="muted empty">No alerts yet.</li>';
  }

  // One item added to the feed, not the feed redrawn: alerts come in bursts.
  insertFeed(root, label) {
    const list = $('#alerts', root);
    $('.empty', list)?.remove();
    for (const a of this.fresh) {
      const before = [...list.children].find((li) => Number(li.dataset.alertId) < a.id);
      const tmp = document.createElement('template');
      tmp.innerHTML = alertItem(a, label);
      list.insertBefore(tmp.content.firstElementChild, before || null);
    }
    this.fresh = [];
    while (list.children.length > MAX_ALERTS_SHOWN) list.lastElementChild.remove();
    $('#alert-count', root).textContent = `${this.list.length}`;
  }

  renderBanner(root, label) {
    const plunges = this.plunges();
    const banner = $('#plunge-banner', root);
    banner.hidden = !plunges.length;
    banner.innerHTML = plunges.map((a) => `<strong>PLUNGE</strong> ${esc(label(a.entrant_id))}:
      ${esc(fmtPct(a.share))} of the money at ${esc(bucketLabel(Number(a.time_interval)))} min` +
      `${a.evidence?.odds ? `, fixed win ${esc(a.evidence.odds.map(odds).join(' \u2192 '))}` : ''}`).join('<br>');
  }
}

function alertItem(a, label) {
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
    <span class="alert-runner">${esc(label(a.entrant_id))}</span>
    <span class="alert-what">${esc(what)}</span></li>`;
}
