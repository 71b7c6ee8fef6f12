#!/usr/bin/env bash
# Build the web console (web/ -> web/dist, served by the gateway at /console/; and the buyers'
# page 手机选房, web/buyer.html, at /buyer/; the brokers', web/broker.html, at /broker/) when its sources
# changed: a stamp of web/src, index.html, buyer.html, public/, the configs and package-lock.json is kept in
# web/dist/.built-<sha>; `npm ci` runs when node_modules is not what the lock file says.
# Used by scripts/run.sh, scripts/test.sh and the browser tests (tests/test_console_browser.py).
source "$(dirname "$0")/lib.sh"
ensure_node
WEB="$ROOT/web"
cd "$WEB"
# one install or build at a time in this checkout (run.sh, test.sh groups and the tests may
# start together; tests/test_openapi_types.py takes the same lock for its npm ci)
exec 9>"$WEB/.build.lock"
flock -w 900 9 || { echo "another console build holds web/.build.lock" >&2; exit 1; }
sources() {
  find src public -type f ! -name api.d.ts ! -name '*.test.ts' -print0 2>/dev/null | sort -z | xargs -0 sha256sum
  sha256sum index.html buyer.html broker.html vite.config.ts tsconfig.app.json package.json package-lock.json
}
digest="$(sources | sha256sum | cut -c1-16)"
if [ -f "dist/.built-$digest" ] && [ -f dist/index.html ] && [ -f dist/buyer.html ] && [ -f dist/broker.html ]; then
  exit 0
fi
lock="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f node_modules/.installed-lock-sha256 ] || [ "$(cat node_modules/.installed-lock-sha256)" != "$lock" ]; then
  say "installing the console's packages (npm ci, from web/package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  echo -n "$lock" > node_modules/.installed-lock-sha256
fi
say "building the console (web/ -> web/dist)"
npm run --silent build -- --logLevel warn
touch "dist/.built-$digest"
