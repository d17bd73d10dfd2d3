-- Verify raceday:raw_responses_body_text on pg: bodies are text, lz4-compressed.

SELECT 1 / count(*) FROM pg_attribute
WHERE attrelid = 'staging.raw_responses'::regclass AND attname = 'body'
  AND atttypid = 'text'::regtype AND attcompression = 'l';
