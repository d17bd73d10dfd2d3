// The colours of the money-flow cells: the user's six indicator ranges
// (/rpc/alert_configs), each a share of a bucket's money in percent.
import { alertConfigs, signedIn } from './api.js';
import { esc } from './dom.js';
import { num } from './format.js';

// DOMAIN.md §7: the client's six indicator ranges, used when nobody is signed in or the API cannot
// answer /rpc/alert_configs.
const DEFAULT_INDICATORS = [
  { min: 5, max: 10, color: '#E5E7EB' }, { min: 10, max: 15, color: '#BFDBFE' },
  { min: 15, max: 20, color: '#FEF3C7' }, { min: 20, max: 25, color: '#FED7AA' },
  { min: 25, max: 50, color: '#FECACA' }, { min: 50, max: null, color: '#F3E8FF' },
];
let indicators = DEFAULT_INDICATORS;

// Once at start-up: a board without the user's ranges still colours its cells.
// Alert settings belong to a signed-in user: an anonymous board shows the defaults.
export async function loadIndicators() {
  if (!signedIn()) return;
  try {
    const rows = await alertConfigs();
    const got = rows.filter((r) => r.enabled)
      .sort((a, b) => a.display_order - b.display_order)
      .map((r) => ({ min: num(r.percentage_range_min), max: num(r.percentage_range_max), color: r.color }));
    if (got.length) indicators = got;
  } catch (err) {
    console.warn('alert_configs unavailable, using the default indicators:', err.message);
  }
}

export function colourFor(share) {
  if (share === null) return null;
  const s = Math.round(share * 1e6) / 1e6;    // exactly 5 % is 5 %
  const hit = indicators.find((i) => s >= i.min && (i.max === null || s < i.max));
  return hit ? hit.color : null;
}

// The legend beside the grid: one swatch per range.
export const legendHtml = () => '<span class="muted">share of bucket</span>' + indicators.map((i) =>
  `<span class="swatch" style="background:${esc(i.color)}">${i.min}${i.max === null ? '+' : `\u2013${i.max}`}%</span>`).join('');
