#!/usr/bin/env bash
# The CUDA backend's check on a machine with an NVIDIA GPU: its driver, CUDA's NVRTC and python3 with PyTorch built
# for CUDA, but no .NET SDK. Run from the repository root with .cuda-bundle/ (made by tools/cuda/publish.sh) beside it.
# Prints, in one run:
#   the machine (GPU, driver, PyTorch) and `convengine-samples devices`
#   tests     the golden suite on cuda:0, then every other CUDA test: the backend-agnostic suites' cuda:0 fixtures
#             (gradients, tensors, errors, memory flatness, agreement with the CPU backend, LeNet against the CPU's
#             accuracy) and the CUDA-specific ones (NVRTC, disk cache, faults)
#   lenet     `lenet` per-epoch lines for both variants on CUDA, then the PyTorch CUDA peer (torch_lenet_cuda.py)
#             for the same training, and per variant the ex/s ratio (mean of epochs 2.., the first being warm-up)
#             and the test accuracies side by side, with the CPU backend's from the README
# Usage: tools/cuda/verify.sh [all|tests|lenet] [epochs=10]
# Logs go to $OUT (the device tool's folder) when set, else to /tmp/convengine-cuda/logs.
set -uo pipefail
cd "$(dirname "$0")/../.."
stage=${1:-all}; epochs=${2:-10}
bundle=.cuda-bundle
work=${CONVENGINE_WORK:-/tmp/convengine-cuda}
logs=${OUT:-$work/logs}
[ -f "$bundle/app.tar.xz" ] && [ -f "$bundle/fashion-mnist.tar.xz" ] || { echo "error: $bundle/ is missing: run tools/cuda/publish.sh first (where the .NET SDK is) and carry it" >&2; exit 1; }
rm -rf "$work/app" "$work/fashion-mnist"
mkdir -p "$work" "$logs"
tar -C "$work" -xJf "$bundle/app.tar.xz"
tar -C "$work" -xJf "$bundle/fashion-mnist.tar.xz"
export CONVENGINE_DATA=$work/fashion-mnist
# A fresh PTX cache: the first run compiles, later runs must not.
export XDG_CACHE_HOME=$work/cache
rm -rf "$XDG_CACHE_HOME"
app=$work/app
ptx_count() { find "$XDG_CACHE_HOME/convengine/cuda" -name '*.ptx' 2>/dev/null | wc -l; }

echo "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1
python3 -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda, "available:", torch.cuda.is_available())' 2>&1

echo "== devices"
devices=$("$app/convengine-samples" devices 2>&1)
if grep -q '^cuda: unavailable: NVRTC' <<<"$devices"; then
    # NVRTC outside the library path and the toolkit folder: a pip wheel's (nvidia/cu13/lib, nvidia/cuda_nvrtc/lib).
    found=$(find /usr/local /opt /usr/lib /usr/lib64 $(python3 -c 'import site; print(" ".join(site.getsitepackages()))' 2>/dev/null) \
        -name 'libnvrtc.so.[0-9]*' ! -name '*builtins*' 2>/dev/null | sort -V | tail -1)
    if [ -n "$found" ]; then
        export CONVENGINE_NVRTC=$found LD_LIBRARY_PATH=$(dirname "$found")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
        echo "(NVRTC found at $found)"
        devices=$("$app/convengine-samples" devices 2>&1)
    fi
fi
echo "$devices"
grep -q '^  cuda:0: ' <<<"$devices" || { echo "error: no CUDA device: see the cuda line above" >&2; exit 1; }

status=0
# Runs the test program with a filter; prints its summary (and failures), records a failure in $status.
run_tests() {
    local name=$1 filter=$2
    echo "== $name"
    "$app/Engine.Tests" --filter "$filter" > "$logs/$name.log" 2>&1
    local code=$?
    grep -E '^  (total|failed|succeeded|skipped):' "$logs/$name.log"
    grep -A6 '^failed ' "$logs/$name.log" | head -120
    [ $code -eq 0 ] || status=1
}

if [ "$stage" = all ] || [ "$stage" = tests ]; then
    # NUnit's filter wants escaped parentheses in pairs.
    run_tests golden-cuda 'FullyQualifiedName~GoldenTests\(cuda:0\)'
    echo "PTX cache: $(ptx_count) programs compiled"
    run_tests other-cuda-tests '(FullyQualifiedName~\(cuda:0\)|FullyQualifiedName~.Cuda.)&FullyQualifiedName!~GoldenTests'
    echo "PTX cache: $(ptx_count) programs"
fi

# Mean ex/s over epochs 2.. of a log whose epoch lines end in "<N> ex/s"; the last epoch's test accuracy.
mean_rate() { awk '/^epoch .*ex\/s/ { n++; if (n > 1) { s += $(NF-1); k++ } } END { if (k) printf "%.0f", s / k; else print 0 }' "$1"; }
test_acc() { awk '/^epoch .*test acc/ { for (i = 1; i < NF; i++) if ($i == "test" && $(i+1) == "acc") a = $(i+2) } END { print a }' "$1"; }

if [ "$stage" = all ] || [ "$stage" = lenet ]; then
    declare -A cpu_readme=([d2l]=0.797 [relu]=0.895)
    for v in d2l relu; do
        echo "== lenet --variant $v --device cuda, $epochs epochs (PTX cache before: $(ptx_count))"
        "$app/convengine-samples" lenet --variant "$v" --device cuda --epochs "$epochs" --out "$work/runs/$v" 2>&1 | tee "$logs/lenet-$v-cuda.log"
        [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
        echo "== PyTorch CUDA peer, $v, $epochs epochs (PTX cache after ConvEngine: $(ptx_count))"
        PYTHONUNBUFFERED=1 python3 tools/cuda/torch_lenet_cuda.py "$v" "$epochs" "$CONVENGINE_DATA" 2>&1 | tee "$logs/lenet-$v-torch.log"
        [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
        ce=$(mean_rate "$logs/lenet-$v-cuda.log"); pt=$(mean_rate "$logs/lenet-$v-torch.log")
        awk -v v="$v" -v ce="$ce" -v pt="$pt" -v a="$(test_acc "$logs/lenet-$v-cuda.log")" -v b="$(test_acc "$logs/lenet-$v-torch.log")" \
            -v c="${cpu_readme[$v]}" -v e="$epochs" 'BEGIN { printf "%s: ConvEngine cuda %d ex/s, PyTorch cuda %d ex/s, ratio %.2fx; test acc after %d epochs: ConvEngine cuda %s, PyTorch cuda %s (ConvEngine cpu, README, 10 epochs: %s)\n", v, ce, pt, (pt > 0 ? ce / pt : 0), e, a, b, c }'
    done
    echo "PTX cache at the end: $(ptx_count) programs"
fi
exit $status
