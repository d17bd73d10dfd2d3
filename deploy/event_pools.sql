-- Deploy raceday:event_pools to pg
-- requires: schemas
-- Why: the pools of a poll by product, in dollars (DOMAIN.md §4):
-- tote_pools, else (as on some Final races, which drop tote_pools) the
-- largest dividend pool_size of each product. Product names are matched
-- without case, spaces or punctuation ("First Four" and "FirstFour" are
-- first4). Read once per poll; the runners, pools, money flow and quality
-- parts use it.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.event_pools(tote_pools jsonb, dividends jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (
    SELECT jsonb_object_agg(product, dollars)
    FROM (SELECT CASE WHEN p IN ('first4', 'firstfour') THEN 'first4' ELSE p END AS product, max(dollars) AS dollars
          FROM (SELECT lower(regexp_replace(tp ->> 'product_type', '[^A-Za-z0-9]', '', 'g')) AS p,
                       (tp ->> 'total')::numeric AS dollars
                FROM jsonb_array_elements(CASE WHEN jsonb_typeof(tote_pools) = 'array'
                                               AND jsonb_array_length(tote_pools) > 0
                                               THEN tote_pools END) AS tp
                UNION ALL
                SELECT lower(regexp_replace(regexp_replace(d ->> 'product_name', '^\s*pool\s+', '', 'i'),
                                            '[^A-Za-z0-9]', '', 'g')),
                       (d ->> 'pool_size')::numeric
                FROM jsonb_array_elements(CASE WHEN (jsonb_typeof(tote_pools) IS DISTINCT FROM 'array'
                                                     OR jsonb_array_length(tote_pools) = 0)
                                                    AND jsonb_typeof(dividends) = 'array'
                                               THEN dividends END) AS d) x
          WHERE p IS NOT NULL AND dollars IS NOT NULL
          GROUP BY 1) y);
COMMENT ON FUNCTION raceday.event_pools(jsonb, jsonb) IS
    'An event''s pools by product in dollars: tote_pools, else the largest dividend pool_size per product.';

COMMIT;
