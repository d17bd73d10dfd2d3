// Values as the board shows them: money, odds, percentages, times and
// countdowns. Plain text, no markup (the caller escapes).

// The API spells numerics as numbers or strings, and null as null or "".
export const num = (v) => (v === null || v === undefined || v === '' ? null : Number(v));
const pad2 = (n) => String(n).padStart(2, '0');

// -- money and odds ---------------------------------------------------------

// Amounts are integer cents (DOMAIN.md §7): shown in whole dollars.
export function dollars(cents) {
  if (cents === null || cents === undefined) return '\u2013';
  return '$' + Math.round(Number(cents) / 100).toLocaleString('en-NZ');
}

// A bucket cell has about 40 px: 950, 12.3k, 123k.
export function compactDollars(cents) {
  const d = Number(cents) / 100;
  const a = Math.abs(d);
  const s = a < 1000 ? String(Math.round(a)) : a < 10000 ? (a / 1000).toFixed(1) + 'k' : Math.round(a / 1000) + 'k';
  return (d < 0 && s !== '0' ? '\u2212' : '') + s;
}

export const odds = (v) => (num(v) ? Number(v).toFixed(2) : '\u2013');

export function fmtPct(v) {
  const n = num(v);
  return n === null ? '?' : `${n.toFixed(1)} %`;
}

export const ordinal = (n) => `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n] || 'th'}`;

// -- times ------------------------------------------------------------------

export const time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '');
export const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : '');
// Is timestamp a at least as recent as b? (an unknown one counts as newer)
// Merges use it so that a queued event older than the snapshot changes nothing.
export const newer = (a, b) => !a || !b || Date.parse(a) >= Date.parse(b);

// The status wins over the clock: a race that is off is "jumped" even if
// its advertised start is still ahead (a clock off by a little, an early start).
export function countdown(startIso, status) {
  if (status === 'abandoned') return { text: 'abandoned', cls: 'jumped' };
  if (['closed', 'interim', 'final'].includes(status)) return { text: 'jumped', cls: 'jumped' };
  const s = Math.round((Date.parse(startIso) - Date.now()) / 1000);
  if (Number.isNaN(s)) return { text: '', cls: '' };
  if (s <= 0) return { text: 'jumped', cls: 'jumped' };
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const text = h ? `${h}:${pad2(m)}:${pad2(sec)}` : `${pad2(m)}:${pad2(sec)}`;
  return { text, cls: s <= 60 ? 'imminent' : s <= 300 ? 'soon' : '' };
}
