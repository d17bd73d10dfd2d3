// The top bar's connection indicator: is what the bettor sees live
// (live, reconnecting, offline), and how old is the data on screen.
// data-connection is the test hook; the age ticks with the clock.
import { $ } from './dom.js';
import { noteConnection } from './hooks.js';

let lastDataAt = null;    // when the screen last received data (HTTP or event)

export function setConnection(state) {
  noteConnection(state);
  const el = $('#connection');
  if (el.dataset.connection === state) return;
  el.dataset.connection = state;
  $('.conn-label', el).textContent = state;
}

export function dataArrived() {
  lastDataAt = Date.now();
}

// A new view shows nothing yet: "no data yet" until it loads.
export function forgetData() {
  lastDataAt = null;
}

export function tickAge() {
  const el = $('#data-age');
  if (lastDataAt === null) { el.textContent = 'no data yet'; return; }
  const s = Math.max(0, Math.floor((Date.now() - lastDataAt) / 1000));
  const text = s < 60 ? `updated ${s} s ago` : s < 3600 ? `updated ${Math.floor(s / 60)} min ago`
    : `updated ${Math.floor(s / 3600)} h ago`;
  if (el.textContent !== text) el.textContent = text;
}
