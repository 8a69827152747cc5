#!/bin/sh
# npm start: install what is missing, build, serve the app (default scenario: QEMU Q35 + OVMF, 4 CPUs).
set -e
sh scripts/ensure-deps.sh
npx vite build
PORT="${PORT:-5173}"
echo ""
echo "SmiScope is serving at http://127.0.0.1:${PORT}/  (Ctrl+C to stop)"
exec npx vite preview --host 127.0.0.1 --port "$PORT" --strictPort
