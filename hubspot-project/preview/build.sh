#!/usr/bin/env bash
# Bundle the real Settings.jsx and DealScorecard.jsx against shim.jsx (a local DOM stand-in for
# @hubspot/ui-extensions) into dist/, for the browser test and the screenshots. Needs `npm ci` here first.
set -euo pipefail
cd "$(dirname "$0")"
out="${1:-dist}"
for entry in ../src/app/settings/Settings.jsx ../src/app/cards/DealScorecard.jsx; do
  ./node_modules/.bin/esbuild "$entry" --bundle --format=iife --log-level=warning \
    --alias:@hubspot/ui-extensions=./shim.jsx --alias:react=./node_modules/react \
    --alias:react-dom=./node_modules/react-dom --define:process.env.NODE_ENV=\"production\" \
    --jsx=transform --outfile="$out/$(basename "$entry" .jsx).js"
done
