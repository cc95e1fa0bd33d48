#!/usr/bin/env bash
# Checks, without CUDA, that every kernel family parses and type-checks as CUDA C++ with prelude.cuda.h: the test
# below assembles each program exactly as the CUDA backend hands it to NVRTC (KernelSource.Program, every tile
# variant) and compiles it with g++ -fsyntax-only against tools/cuda/cuda_mock.h. NVRTC itself is checked only on
# a GPU machine (tools/cuda/verify.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet test Engine.Tests -c Release --filter "FullyQualifiedName~CudaDialectTests" --logger "console;verbosity=normal"
