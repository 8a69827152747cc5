#!/bin/sh
# Installs npm dependencies when they are missing or older than package-lock.json.
set -e
# A git worktree that links node_modules to another checkout's shares that install: never reinstall through the link.
if [ -L node_modules ]; then exit 0; fi
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "ensure-deps: installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund
fi
