/*
 * Stand-ins for what NVRTC provides built in, so that a host C++ compiler (g++ or clang++) can check that the
 * kernel files parse and type-check as CUDA C++ with prelude.cuda.h, on a machine without CUDA. Declarations only:
 * nothing here runs. Used by Engine.Tests' CudaDialectTests (and tools/cuda/check_dialect.sh); it proves the
 * dialect is valid C++ over these names, not that NVRTC accepts it (that needs a GPU machine: tools/cuda/verify.sh).
 */
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static

struct dim3 { unsigned int x, y, z; };
extern const dim3 threadIdx, blockIdx, blockDim, gridDim;
void __syncthreads();
float __int_as_float(int);

/* CUDA's device math: the float functions, isnan/isinf/isfinite, and min/max on ints. */
float expf(float); float logf(float); float sqrtf(float); float tanhf(float); float powf(float, float);
float fabsf(float); float fmaf(float, float, float); float fmaxf(float, float); float fminf(float, float);
bool isnan(float); bool isinf(float); bool isfinite(float);
int min(int, int); int max(int, int);
