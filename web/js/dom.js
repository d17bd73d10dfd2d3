// The few DOM and markup helpers every view uses. Views build their HTML
// as strings: everything from the API goes through esc().

export const $ = (sel, root = document) => root.querySelector(sel);

export const esc = (s) => String(s ?? '').replace(/[&<>"']/g,
  (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

// A race's or a result's status; data-status is a test hook.
export function statusBadge(status) {
  const s = status || 'unknown';
  return `<span class="badge status-${esc(s)}" data-status="${esc(s)}">${esc(s)}</span>`;
}
