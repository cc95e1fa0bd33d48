#!/usr/bin/env bash
# LeNet training speed, ConvEngine (CPU backend) against the PyTorch CPU peer, one after the other
# in the same run on this machine. Prints each side's epoch lines and the ex/s ratio per variant.
# The ex/s of the first epoch is left out (warm-up: JIT, page faults, allocator growth).
#
# Usage: tools/bench/lenet_vs_pytorch.sh [epochs=3] [variants="d2l relu"] [threads=2]
# Needs: Debian's python3-torch and dataset-fashion-mnist; ../shared/peer/torch_lenet.py beside the repo.
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs=${1:-3}; variants=${2:-"d2l relu"}; threads=${3:-2}
peer=${PEER:-../shared/peer/torch_lenet.py}
[ -f "$peer" ] || { echo "error: PyTorch peer not found at $peer (set PEER=...)" >&2; exit 1; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "error: PyTorch missing: apt-get install python3-torch" >&2; exit 1; }

dotnet build -c Release Samples >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Mean ex/s over epochs 2.. of a log whose lines end in "<N> ex/s".
mean_rate() { awk '/ex\/s/ { n++; if (n > 1) { s += $(NF-1); k++ } } END { if (k) printf "%.0f", s / k; else print 0 }' "$1"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for v in $variants; do
    echo "== $v: ConvEngine (cpu)"
    dotnet run -c Release --no-build --project Samples -- lenet --variant "$v" --epochs "$epochs" --out "$out/$v" | tee "$out/ce-$v.log"
    echo "== $v: PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') CPU, $threads threads"
    /usr/bin/python3 "$peer" "$v" "$epochs" "$threads" | tee "$out/pt-$v.log"
    ce=$(mean_rate "$out/ce-$v.log"); pt=$(mean_rate "$out/pt-$v.log")
    awk -v v="$v" -v ce="$ce" -v pt="$pt" 'BEGIN { printf "%s: ConvEngine %d ex/s, PyTorch %d ex/s, ratio %.2fx\n", v, ce, pt, (pt > 0 ? ce / pt : 0) }'
done
