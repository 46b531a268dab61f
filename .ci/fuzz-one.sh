#!/bin/bash
# Runs one fuzz target for make fuzz: .ci/fuzz-one.sh PACKAGE TARGET FUZZTIME.
# A run that fails with "context deadline exceeded" and writes no failing
# input to PACKAGE/testdata/fuzz/TARGET/ met Go 1.26's race in its fuzzing
# coordinator at the -fuzztime deadline (golang/go#75804, fixed in Go 1.27),
# not a bug of ours: the target runs once more. Any other failure, or that
# one twice, fails.
set -uo pipefail
pkg=$1 target=$2 fuzztime=$3
GO=${GO:-go}
dir=$pkg/testdata/fuzz/$target
log=$(mktemp)
trap 'rm -f "$log"' EXIT
inputs() { ls "$dir" 2>/dev/null | wc -l; }
for try in 1 2; do
	before=$(inputs)
	$GO test "./$pkg" -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s 2>&1 | tee "$log"
	st=${PIPESTATUS[0]}
	[ "$st" = 0 ] && exit 0
	if [ "$(inputs)" != "$before" ] || ! grep -q '^    context deadline exceeded$' "$log"; then
		exit 1
	fi
	echo "fuzz-one: $target: context deadline exceeded, no failing input written (golang/go#75804): run $try of 2" >&2
done
exit 1
