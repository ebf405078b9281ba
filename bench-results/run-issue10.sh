#!/usr/bin/env bash
# Issue 10's figures: the same seeded workload on one silo and on four (one process, Orleans' networking between them).
# Run alone on the machine: nothing else may build or test meanwhile. About 15 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
discovery="${DISCOVERY:-dotnet Cli/bin/Release/net10.0/discovery.dll}"
out=bench-results/issue10
mkdir -p "$out"
for k in 1 4; do
  $discovery simulate --nodes 1024 --vms 10240 --sites 8 --duration 3600 --speedup 10 --seed 42 --schedulers dvms --silos "$k" \
    --json "$out/silos-$k.json" --report "$out/silos-$k.html" | tee "$out/silos-$k.txt"
done
# A silo kill: four silos (two sites each), 1,000 VEs; the last silo is killed, then started again.
$discovery bench ve --nodes 1024 --vms-per-node 5 --sites 8 --ves 1000 --silos 4 --kill-silo --json "$out/silo-kill.json" | tee "$out/silo-kill.txt"
