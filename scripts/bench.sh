#!/usr/bin/env bash
# Benchmark: build the same generated corpus of N briefings with briefing,
# Hugo and (if it can be found) Zola, RUNS times each (default 3), and
# print the median wall time and peak memory of each and their ratios, and
# how long `cp -r` takes to copy briefing's output to the same disk. Then,
# unless INCREMENTAL=0, the median time from an edit to the updated page
# under `briefing serve` (20 edits).
#
#   scripts/bench.sh 10000
#   ZOLA=/path/to/zola WORK=/dev/shm/bench scripts/bench.sh 10000
#
# Every run of every tool writes into an empty folder (a first build).
# Zola is not packaged for Debian: ZOLA names a binary (default: `zola` on
# PATH); without one Zola is left out. Its copy of the corpus has the same
# taxonomies, a page per term paginated by 20, a feed of 20 per term and
# its search index, like briefing's output (ZOLA_CONFIG=minimal: none of
# those, only pages and term lists). WORK picks the folder (default: a new
# one under /tmp); the copy and the builds go to the same file system.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
runs=${RUNS:-3}
zola=${ZOLA:-$(command -v zola || true)}

command -v hugo >/dev/null || { apt-get update -qq && apt-get install -y -qq hugo >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --quiet --locked --bin briefing --example gen_corpus

if [ -n "${WORK:-}" ]; then
  work=$WORK/bench.$$
  mkdir -p "$work"
else
  work=$(mktemp -d)
fi
trap 'rm -rf "$work"' EXIT
target/release/examples/gen_corpus "$n" "$work/briefing" "$work/hugo" "$work/zola"
if [ "${ZOLA_CONFIG:-}" = minimal ]; then
  sed -i -e 's/, feed = true, paginate_by = 20//' -e 's/build_search_index = true/build_search_index = false/' "$work/zola/config.toml"
fi

# Wall seconds and peak RSS (MiB) from GNU time's verbose output.
measure() {
  local log=$1; shift
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log"; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
              /Maximum resident set size/ { rss = $2 / 1024 }
              END { printf "%.2f %.0f\n", wall, rss }' "$log"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

tools="briefing hugo copy"
[ -n "$zola" ] && tools="briefing zola hugo copy"
for t in $tools; do : > "$work/$t.txt"; done
for i in $(seq "$runs"); do
  line="run $i:"
  for t in $tools; do
    rm -rf "$work/$t-out"
    sync
    case $t in
      briefing) m=$(measure "$work/$t.log" target/release/briefing build "$work/briefing" -o "$work/$t-out") ;;
      zola) m=$(cd "$work/zola" && measure "$work/$t.log" "$zola" build -o "$work/$t-out") ;;
      hugo) m=$(measure "$work/$t.log" hugo --quiet -s "$work/hugo" -d "$work/$t-out") ;;
      copy) m=$(measure "$work/$t.log" cp -r "$work/briefing-out" "$work/$t-out") ;;
    esac
    echo "$m" >> "$work/$t.txt"
    line="$line $t ${m% *} s, ${m#* } MiB;"
  done
  echo "$line"
done
echo
echo "corpus: $n briefings, $(nproc) cores, $(hugo version | cut -d' ' -f2)${zola:+, $("$zola" --version)}"
printf "%-10s %12s %14s %12s %9s\n" tool "median wall" "median peak" output files
for t in $tools; do
  w=$(cut -d' ' -f1 "$work/$t.txt" | median); m=$(cut -d' ' -f2 "$work/$t.txt" | median)
  printf "%-10s %11ss %10s MiB %9.1f MB %9d\n" "$t" "$w" "$m" \
    "$(du -sb "$work/$t-out" | awk '{ print $1 / 1e6 }')" "$(find "$work/$t-out" -type f | wc -l)"
  eval "wall_$t=$w; rss_$t=$m"
done
for t in $tools; do
  [ "$t" = briefing ] && continue
  if [ "$t" = copy ]; then
    awk -v b="$wall_briefing" -v o="$wall_copy" 'BEGIN { printf "briefing / copying its output: wall %.2f\n", b / o }'
  else
    eval "w=\$wall_$t; m=\$rss_$t"
    awk -v b="$wall_briefing" -v o="$w" -v bm="$rss_briefing" -v om="$m" -v t="$t" \
      'BEGIN { printf "briefing / %s: wall %.2f, peak memory %.2f\n", t, b / o, bm / om }'
  fi
done
rm -rf "$work/zola-out" "$work/hugo-out" "$work/copy-out"

# BASELINE=path/to/an/older/briefing: the older binary against this one,
# alternating, each into an empty folder. The older one builds the corpus
# without dossier fields (which it may not know); this one builds that and
# the full corpus. Prints median wall time, output size and home page size.
if [ -n "${BASELINE:-}" ]; then
  target/release/examples/gen_corpus --plain "$n" "$work/plain"
  echo
  for i in $(seq "$runs"); do
    for v in before now-plain now-full; do
      case $v in
        before) bin=$BASELINE src=$work/plain ;;
        now-plain) bin=target/release/briefing src=$work/plain ;;
        now-full) bin=target/release/briefing src=$work/briefing ;;
      esac
      rm -rf "$work/out-$v"
      m=$(measure "$work/$v.log" "$bin" build "$src" -o "$work/out-$v")
      echo "${m% *} $(du -sb "$work/out-$v" | cut -f1) $(stat -c %s "$work/out-$v/index.html")" >> "$work/$v.txt"
      echo "run $i $v: ${m% *} s"
    done
  done
  printf "\n%-10s %12s %14s %12s\n" build "median wall" "output" "home page"
  for v in before now-plain now-full; do
    w=$(cut -d' ' -f1 "$work/$v.txt" | median)
    tail -1 "$work/$v.txt" | awk -v v="$v" -v w="$w" '{ printf "%-10s %11ss %11.1f MB %9.1f KB\n", v, w, $2 / 1e6, $3 / 1e3 }'
  done
  for v in now-plain now-full; do
    awk -v a="$(cut -d' ' -f1 "$work/before.txt" | median)" -v b="$(cut -d' ' -f1 "$work/$v.txt" | median)" \
        -v sa="$(tail -1 "$work/before.txt" | cut -d' ' -f2)" -v sb="$(tail -1 "$work/$v.txt" | cut -d' ' -f2)" \
        -v name="$v" 'BEGIN { printf "%s against before: wall %+.1f%%, output %+.1f%%\n", name, (b / a - 1) * 100, (sb / sa - 1) * 100 }'
  done
fi

if [ "${INCREMENTAL:-1}" = 1 ]; then
  python3 scripts/incremental.py target/release/briefing "$work/briefing" 20
fi
