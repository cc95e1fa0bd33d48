#!/usr/bin/env bash
# ConvEngine's operator benchmarks against PyTorch CPU and OpenBLAS SGEMM, all in one session on this machine:
# runs ../shared/peer/torch_ops.py (Debian's python3-torch, as many threads as cores), OpenBLAS's cblas_sgemm (Debian's
# libopenblas0-pthread, same thread count) and the whole Bench suite on every accelerator, then prints the README's
# results table (markdown: op × accelerator, time, GFLOP/s or GB/s, ratio to PyTorch, fraction of the limit) and the
# distance to the CPU targets. Progress goes to standard error; a missing PyTorch or OpenBLAS is said in one line
# and leaves its columns empty. The full job takes several minutes (PoCL's OpenCL device is slow); --short about one.
#
# Usage: tools/bench/ops_vs_pytorch.sh [--short] [--accelerator NAME]... [--torch-ops PATH]
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! build=$(dotnet build -c Release Bench 2>&1); then
    echo "$build" >&2
    echo "error: dotnet build -c Release Bench failed" >&2
    exit 1
fi
exec dotnet run -c Release --no-build --project Bench -- peer "$@"
