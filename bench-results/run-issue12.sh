#!/bin/sh
# Issue 12's figures (BENCHMARKS.md), one after the other on an otherwise idle machine: about 70 minutes.
set -e
d="dotnet Cli/bin/Release/net10.0/discovery.dll"
o=bench-results
$d simulate --nodes 1024 --vms 10240 --sites 8 --duration 3600 --speedup 10 --schedulers dvms,centralized,hierarchical,none \
    --json $o/sim-1024-issue12.json --report $o/sim-1024-issue12.html > $o/sim-1024-issue12.txt
/usr/bin/time -v $d simulate --nodes 10240 --vms 102400 --sites 8 --duration 3600 --speedup 4 --schedulers dvms \
    --json $o/sim-10240-issue12-dvms.json --report $o/sim-10240-issue12-dvms.html > $o/sim-10240-issue12-dvms.txt 2>&1
$d simulate --nodes 10240 --vms 102400 --sites 8 --duration 3600 --speedup 10 --schedulers none \
    --json $o/sim-10240-issue12-none.json > $o/sim-10240-issue12-none.txt
$d simulate --nodes 256 --vms 2560 --sites 4 --duration 1200 --speedup 4 --schedulers dvms,centralized,none \
    --json $o/sim-256-issue12.json --report $o/sim-256-issue12.html > $o/sim-256-issue12.txt
for n in 128 256 512 1024 2048; do
  $d simulate --nodes $n --vms $((n*10)) --sites 1 --duration 600 --speedup 10 --schedulers dvms --json $o/scale-$n-issue12.json > $o/scale-$n-issue12.txt
done
