#!/usr/bin/env bash
# Runs the whole suite with node's test runner. The shell expands the globs (node 20 does not),
# so an empty match is an error here rather than a silent "0 tests".
set -euo pipefail
shopt -s globstar nullglob
cd "$(dirname "$0")/.."
files=(test/**/*.test.ts)
if [ ${#files[@]} -eq 0 ]; then echo "no test files found under test/" >&2; exit 1; fi
if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  echo "PostgreSQL suite: ON (TEST_POSTGRES_URL is set)"
else
  echo "################################################################"
  echo "# PostgreSQL suite: SKIPPED — set TEST_POSTGRES_URL to run it  #"
  echo "# e.g. TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test #"
  echo "################################################################"
fi
node --import tsx scripts/prepare-word-vectors.ts
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" "$@" "${files[@]}"
