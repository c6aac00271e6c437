#!/usr/bin/env bash
# Benchmark: build the same generated corpus of N briefings with briefing and
# with Hugo, RUNS times each (default 3), and print the median wall time and
# peak memory of each and their ratio. Then, unless INCREMENTAL=0, the median
# time from an edit to the updated page under `briefing serve` (20 edits).
#
#   scripts/bench.sh 10000
#
# The first run of each tool writes into an empty folder; later runs rebuild
# over the previous output with nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
runs=${RUNS:-3}

command -v hugo >/dev/null || { apt-get update -qq && apt-get install -y -qq hugo >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --quiet --locked --bin briefing --example gen_corpus

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/release/examples/gen_corpus "$n" "$work/briefing" "$work/hugo"

# Wall seconds and peak RSS (MiB) from GNU time's verbose output.
measure() {
  local log=$1; shift
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log"; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
              /Maximum resident set size/ { rss = $2 / 1024 }
              END { printf "%.2f %.0f\n", wall, rss }' "$log"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: > "$work/b.txt"; : > "$work/h.txt"
for i in $(seq "$runs"); do
  b=$(measure "$work/b.log" target/release/briefing build "$work/briefing" -o "$work/briefing-out")
  h=$(measure "$work/h.log" hugo --quiet -s "$work/hugo" -d "$work/hugo-out")
  echo "run $i: briefing ${b% *} s, ${b#* } MiB; hugo ${h% *} s, ${h#* } MiB"
  echo "$b" >> "$work/b.txt"; echo "$h" >> "$work/h.txt"
done
bw=$(cut -d' ' -f1 "$work/b.txt" | median); bm=$(cut -d' ' -f2 "$work/b.txt" | median)
hw=$(cut -d' ' -f1 "$work/h.txt" | median); hm=$(cut -d' ' -f2 "$work/h.txt" | median)
pages=$(find "$work/briefing-out" -name '*.html' | wc -l)
hpages=$(find "$work/hugo-out" -name '*.html' | wc -l)
echo
echo "corpus: $n briefings ($pages HTML pages from briefing, $hpages from Hugo), $(nproc) cores, $(hugo version | cut -d' ' -f2)"
printf "%-10s %12s %14s\n" tool "median wall" "median peak"
printf "%-10s %11ss %11s MiB\n" briefing "$bw" "$bm"
printf "%-10s %11ss %11s MiB\n" hugo "$hw" "$hm"
awk -v b="$bw" -v h="$hw" 'BEGIN { printf "ratio briefing/hugo: %.2f\n", b / h }'

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
