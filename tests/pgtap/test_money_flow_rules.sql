-- DOMAIN.md §2's arithmetic: buckets, interval types, cents.
BEGIN;
SELECT plan(31);

SELECT is(raceday.time_bucket(t), b, format('bucket of %s is %s', t, b)) FROM (VALUES
    (75::numeric, 60::numeric), (60, 60), (59.9, 55), (55, 55), (12.3, 10), (5, 5), (4.99, 4), (1, 1),
    (0.99, 0), (0, 0), (-0.3, -0.5), (-0.5, -0.5), (-0.8, -1), (-2.2, -2.5), (-4.7, -5), (-5, -5),
    (-5.5, -5), (-6.1, -6), (-10, -10)) AS v(t, b);

SELECT is(raceday.interval_type(t), k, format('interval type at %s is %s', t, k)) FROM (VALUES
    (31::numeric, '5m'), (30, '2m'), (5.01, '2m'), (5, '30s'), (0.01, '30s'), (0, 'live'), (-3, 'live')) AS v(t, k);

SELECT is(raceday.pool_cents(50000, 15.5), 775000::bigint, 'Win $50,000 at 15.5% is 775000 cents');
SELECT is(raceday.pool_cents(30000, 15.5), 465000::bigint, 'Place $30,000 at 15.5% is 465000 cents');
SELECT is(raceday.pool_cents(33333.33, 10.5), 350000::bigint, '$33,333.33 at 10.5% is 350000 cents (349999.965 rounds up)');
SELECT is(raceday.pool_cents(22222.22, 10.5), 233333::bigint, '$22,222.22 at 10.5% is 233333 cents');
SELECT is(raceday.pool_cents(0.05, 50), 3::bigint, 'half a cent rounds away from zero, not to even');

SELECT * FROM finish();
ROLLBACK;
