#!/bin/sh
# Issue 12's figures with pressure events and receivers with room (BENCHMARKS.md, "Pressure"), one after the other on an
# otherwise idle machine: about 60 minutes. Run from the repository root; BIN=DIR runs a copy of Cli/bin/Release/net10.0.
# Outputs are bench-results/*-$TAG.*: TAG=pressure holds the run at the earlier default threshold (95 %, commit b3bffd4),
# p93 the run at today's default (93 %).
set -e
d="dotnet ${BIN:-Cli/bin/Release/net10.0}/discovery.dll"
o=bench-results
t=${TAG:-p93}
$d simulate --nodes 256 --vms 2560 --sites 4 --duration 1200 --speedup 4 --schedulers dvms,centralized,none \
    --json $o/sim-256-$t.json --report $o/sim-256-$t.html > $o/sim-256-$t.txt
$d simulate --nodes 1024 --vms 10240 --sites 8 --duration 3600 --speedup 10 --schedulers dvms,centralized,hierarchical,none \
    --json $o/sim-1024-$t.json --report $o/sim-1024-$t.html > $o/sim-1024-$t.txt
/usr/bin/time -v $d simulate --nodes 10240 --vms 102400 --sites 8 --duration 3600 --speedup 4 --schedulers dvms \
    --json $o/sim-10240-$t.json > $o/sim-10240-$t.txt 2>&1
for n in 128 256 512 1024 2048; do
  $d simulate --nodes $n --vms $((n*10)) --sites 1 --duration 600 --speedup 10 --schedulers dvms --json $o/scale-$n-$t.json > $o/scale-$n-$t.txt
done
