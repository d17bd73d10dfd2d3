"""raceday's archive: each finished NZ racing day's raw responses, and each
history partition before it is dropped, in a zstd file with a manifest,
verified before retention may delete what it holds; a day restored from it
and replayed (docs/archive.md)."""
