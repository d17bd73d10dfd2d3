// The money-flow timeline: buckets of minutes to the start, as the database
// computes them (DOMAIN.md §2), and each runner's latest row in each bucket.

// Buckets always shown (DOMAIN.md §2), so columns do not jump around as the
// race's data arrives; others that hold data (-3.5, -4 ...) are added.
const BASE_BUCKETS = [60, 55, 50, 45, 40, 35, 30, 25, 20, 15, 10, 5, 4, 3, 2, 1, 0,
  -0.5, -1, -1.5, -2, -2.5, -3];

// Buckets arrive as 30.0, "30.0" or 30: one spelling for keys and data-bucket.
export const bucketKey = (v) => String(Number(v));
export const bucketLabel = (b) => (b < 0 ? `\u2212${-b}` : String(b));

// Minutes to start -> bucket, as the database computes it (DOMAIN.md §2).
function bucketOf(t) {
  if (t >= 60) return 60;
  if (t >= 5) return Math.floor(t / 5) * 5;
  if (t >= 1) return Math.floor(t);
  if (t >= 0) return 0;
  if (t >= -5) return Math.floor(t * 2) / 2;
  return Math.ceil(t);
}

// The bucket an open race is in now (null once it is not open): the grid
// marks its column, which moves with the clock.
export const nowBucket = (race) => (race.status === 'open'
  ? bucketOf((Date.parse(race.start_time) - Date.now()) / 60e3) : null);

export class Timeline {
  constructor() {
    this.rows = new Map();    // `${entrant_id}|${bucket}` -> money_flow_timeline row
  }

  merge(row) {
    const key = `${row.entrant_id}|${bucketKey(row.time_interval)}`;
    const old = this.rows.get(key);
    // Several polls may land in one bucket: the latest observation wins.
    if (!old || Date.parse(row.event_timestamp) >= Date.parse(old.event_timestamp)) this.rows.set(key, row);
  }

  get(entrantId, key) {
    return this.rows.get(`${entrantId}|${key}`);
  }

  // The columns: the base buckets and any other that holds data, 60 first.
  buckets() {
    const keys = new Set(BASE_BUCKETS.map(bucketKey));
    for (const row of this.rows.values()) keys.add(bucketKey(row.time_interval));
    return [...keys].map(Number).sort((a, b) => b - a);
  }

  // Each bucket's money (the sum of its positive win increments, the
  // denominator of a runner's share, DOMAIN.md §7) and the latest bucket
  // that holds data.
  totals() {
    const totals = new Map();
    let latest = null;
    for (const row of this.rows.values()) {
      const k = bucketKey(row.time_interval);
      totals.set(k, (totals.get(k) || 0) + Math.max(Number(row.incremental_win_amount) || 0, 0));
      if (latest === null || Number(row.time_interval) < latest) latest = Number(row.time_interval);
    }
    return { totals, latest };
  }
}
