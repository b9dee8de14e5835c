"""The handbook's benchmark, by section (bench/run.py is the command; its docstring says what it measures).

- ``common``: paths, logging, YAML and size helpers every section uses.
- ``scale``: the project copied and its data scaled ×n (step 1).
- ``anchor``: the same pages pre-rendered, built by Material without the macros plugin (b), through
  ``capture_hook.py`` (a real MkDocs hook file), which also times our layer through
  ``macros.timing_listeners`` (step 2).
- ``measure``: timed child processes, sizes, our own assets minified and gzipped (steps 3 and 4).
- ``browser``: Debian's chromium (tests/localweb.py, shared with the tests) and the first visit (step 4).
- ``record_page``: the learning record with every field answered, timed in chromium (step 5).
- ``zensical``: zensical building (b), for information (step 6).
- ``lighthouse``: Lighthouse on the handbook and on Material building the same pages (m) (step 7).
- ``report``: the targets, bench/results.json, bench/RESULTS.md and the summary line.
"""
