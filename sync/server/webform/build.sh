#!/bin/sh
# Rebuilds dist/ (embedded by the Go package) from the exact versions package-lock.json pins.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
node build.mjs
