#!/bin/sh
# Issue 12's figures with pressure events and receivers with room (BENCHMARKS.md, "Pressure"), one after the other on an
# otherwise idle machine: about 50 minutes. Run from a copy of Cli/bin/Release/net10.0 or the repository root.
set -e
d="dotnet ${BIN:-Cli/bin/Release/net10.0}/discovery.dll"
o=bench-results
$d simulate --nodes 256 --vms 2560 --sites 4 --duration 1200 --speedup 4 --schedulers dvms,centralized,none \
    --json $o/sim-256-pressure.json --report $o/sim-256-pressure.html > $o/sim-256-pressure.txt
$d simulate --nodes 1024 --vms 10240 --sites 8 --duration 3600 --speedup 10 --schedulers dvms,centralized,hierarchical,none \
    --json $o/sim-1024-pressure.json --report $o/sim-1024-pressure.html > $o/sim-1024-pressure.txt
/usr/bin/time -v $d simulate --nodes 10240 --vms 102400 --sites 8 --duration 3600 --speedup 4 --schedulers dvms \
    --json $o/sim-10240-pressure.json > $o/sim-10240-pressure.txt 2>&1
for n in 128 256 512 1024 2048; do
  $d simulate --nodes $n --vms $((n*10)) --sites 1 --duration 600 --speedup 10 --schedulers dvms --json $o/scale-$n-pressure.json > $o/scale-$n-pressure.txt
done
