#!/usr/bin/env bash
# Packs what a GPU machine without the .NET SDK needs to check the CUDA backend into .cuda-bundle/ (git-ignored),
# for tools/cuda/verify.sh to run there:
#   app.tar.xz            self-contained linux-x64 builds of the test suite (Engine.Tests, NUnit's own runner) and
#                         the samples CLI (convengine-samples), sharing one .NET runtime
#   fashion-mnist.tar.xz  the dataset's four IDX files, uncompressed inside (xz packs them smaller than gzip)
# A machine lent through the device tool receives the working tree plus the paths a call carries, 64 MiB in all;
# this script fails if the tracked tree and the bundle exceed that. It also checks here that the bundle starts
# and takes the clear "CUDA unavailable" path on a machine without the NVIDIA driver.
#
# Usage: tools/cuda/publish.sh        (data from $CONVENGINE_DATA or /usr/share/datasets/fashion-mnist)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.cuda-bundle
limit=$((64 * 1024 * 1024))
data=${CONVENGINE_DATA:-/usr/share/datasets/fashion-mnist}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# No symbols, no XML docs, no satellite resources: the bundle must stay small.
props=(-c Release -r linux-x64 --self-contained -p:DebugType=none -p:GenerateDocumentationFile=false -p:SatelliteResourceLanguages=en)
dotnet publish Engine.Tests "${props[@]}" -o "$stage/app" >/dev/null
dotnet publish Samples "${props[@]}" -o "$stage/app" >/dev/null
# Microsoft.NET.Test.Sdk's code-coverage collector (VSTest only; the NUnit runner never loads it).
rm -rf "$stage/app/CodeCoverage" "$stage/app"/{alpine,arm64,macos,ubuntu,x64,x86}

# The bundle runs without the SDK and, without a driver, says why CUDA is unavailable in one line.
if ! { ldconfig -p 2>/dev/null || /sbin/ldconfig -p; } | grep -q 'libcuda\.so\.1'; then
    line=$(env -u DOTNET_ROOT PATH=/usr/bin:/bin "$stage/app/convengine-samples" devices | grep '^cuda: ')
    echo "bundle's devices here: $line"
    [[ $line == "cuda: unavailable: libcuda.so.1 could not be loaded: the NVIDIA driver is not installed" ]]
    set +e
    error=$(env -u DOTNET_ROOT PATH=/usr/bin:/bin "$stage/app/convengine-samples" corr2d --device cuda 2>&1 >/dev/null); status=$?
    set -e
    echo "bundle's --device cuda here: exit $status: $error"
    [[ $status == 1 && $error == "error: device 'cuda' is unavailable: "* ]]
    env -u DOTNET_ROOT PATH=/usr/bin:/bin "$stage/app/Engine.Tests" --filter 'FullyQualifiedName~CudaTests' | grep -E '^  (total|failed|succeeded|skipped):' | tr -s ' \n' ' '
    echo
fi

mkdir -p "$stage/fashion-mnist"
for name in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    if [ -f "$data/$name.gz" ]; then gzip -dc "$data/$name.gz" > "$stage/fashion-mnist/$name"
    elif [ -f "$data/$name" ]; then cp "$data/$name" "$stage/fashion-mnist/$name"
    else echo "error: $data has no $name(.gz); set CONVENGINE_DATA to Fashion-MNIST's folder" >&2; exit 1; fi
done

rm -rf "$out"
mkdir -p "$out"
tar -C "$stage" -cf - app | xz -9 -T0 > "$out/app.tar.xz"
tar -C "$stage" -cf - fashion-mnist | xz -9e -T0 > "$out/fashion-mnist.tar.xz"

# What travels: tracked and untracked-not-ignored files, plus the carried bundle.
tree=$(git ls-files -co --exclude-standard -z | xargs -0 stat -c %s 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
bundle=$(du -cb "$out"/* | tail -1 | cut -f1)
total=$((tree + bundle))
ls -l "$out"
printf 'travels: tree %.1f MiB + bundle %.1f MiB = %.1f MiB of %d MiB\n' \
    "$(echo "$tree / 1048576" | bc -l)" "$(echo "$bundle / 1048576" | bc -l)" "$(echo "$total / 1048576" | bc -l)" $((limit / 1048576))
if [ "$total" -gt "$limit" ]; then echo "error: over the 64 MiB the device tool carries" >&2; exit 1; fi
