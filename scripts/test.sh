#!/usr/bin/env bash
# The one test command: Rust unit and integration tests, the Nu HTML Checker
# over every page of the example site, and the end-to-end test in headless
# Chromium. Installs what it needs on a fresh machine: Java and Chromium from
# Debian, vnu-jar and playwright-core from npm.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --locked

missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  # Root installs directly (as CI does); anyone else through sudo.
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
need_npm=false
for pkg in vnu-jar/build/dist/vnu.jar playwright-core axe-core world-atlas i18n-iso-countries ical.js; do
  [ -e "node_modules/$pkg" ] || need_npm=true
done
if $need_npm; then
  echo "== installing the npm test tools"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "== the world map's data is what its script writes"
node scripts/world-data.mjs --out target/world.txt
cmp target/world.txt src/geo/world.txt

echo "== validating the example site's HTML"
site=target/example-site
cargo run --quiet --locked -- build . --output "$site" --strict
pages=$(find "$site" -name '*.html' | wc -l)
java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only --skip-non-html "$site"
java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only --css "$site/style.css"
echo "html: $pages passed, 0 failed"
# The browser test of pictures also looks at a site of long names.
cargo run --quiet --locked -- build tests/fixtures/pictures-long-names --output target/fixture-pictures --strict
# And the books test at a site of several books, checked as the example is.
cargo run --quiet --locked -- build tests/fixtures/books --output target/fixture-books --strict
java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only --skip-non-html target/fixture-books
# And a site in three languages: its French and Arabic pages, too.
cargo run --quiet --locked -- build tests/fixtures/multilingual --output target/fixture-multilingual --strict
java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only --skip-non-html target/fixture-multilingual

echo "== end-to-end test in headless Chromium"
cargo build --quiet --locked
node --test tests/browser/
