#!/usr/bin/env bash
# The simulations behind BENCHMARKS.md, in order. Run from the repository root after
# `dotnet build Cli -c Release`. About an hour on a 2-core machine.
set -euo pipefail
D="dotnet Cli/bin/Release/net10.0/discovery.dll"
out=bench-results
for n in 128 256 512 1024; do
  /usr/bin/time -v $D simulate --nodes $n --vms $((n * 10)) --sites 1 --duration 600 --speedup 10 --schedulers dvms \
    --json $out/scale-$n.json > $out/scale-$n.txt 2>&1
done
/usr/bin/time -v $D simulate --nodes 1024 --vms 10240 --sites 8 --duration 3600 --speedup 10 \
  --schedulers dvms,centralized,hierarchical,none --json $out/sim-1024.json --report $out/sim-1024.html > $out/sim-1024.txt 2>&1
/usr/bin/time -v $D simulate --nodes 10240 --vms 102400 --sites 8 --duration 3600 --speedup 4 \
  --schedulers dvms,none --json $out/sim-10240.json --report $out/sim-10240.html > $out/sim-10240.txt 2>&1
