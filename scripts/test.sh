#!/usr/bin/env bash
# The one test command: Rust unit and integration tests, then the Nu HTML
# Checker over every page of the example site. Installs what it needs on a
# fresh machine (Java and the vnu-jar npm package).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --locked

if ! command -v java >/dev/null 2>&1; then
  echo "== installing Java for the HTML checker"
  apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null
fi
if [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  echo "== installing vnu-jar"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "== validating the example site's HTML"
site=target/example-site
cargo run --quiet --locked -- build . --output "$site" --strict
pages=$(find "$site" -name '*.html' | wc -l)
java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only --skip-non-html "$site"
java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only --css "$site/style.css"
echo "html: $pages passed, 0 failed"
