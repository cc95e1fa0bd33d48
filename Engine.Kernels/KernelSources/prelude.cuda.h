/*
 * The kernel dialect on CUDA C++ (NVRTC): the names prelude.opencl.h defines, mapped to CUDA. See that file
 * for what each name means. Compile with --fmad=false so that a * b + c rounds twice, as in OpenCL (where the
 * prelude turns FP_CONTRACT off) and in C#; kernels that want a fused multiply-add write fmaf.
 * Launch: block = the OpenCL local size, grid = the OpenCL global size divided by it, axis by axis.
 */

#define KERNEL extern "C" __global__
#define GLOBAL
#define LOCAL __shared__
#define LOCAL_ARG
#define INLINE static __device__ __forceinline__
#define BARRIER() __syncthreads()

/* Axis d (a constant 0, 1 or 2) of a dim3 such as threadIdx. */
#define CUDA_AXIS_(v, d) ((d) == 0 ? (int)(v).x : (d) == 1 ? (int)(v).y : (int)(v).z)
#define LOCAL_ID(d) CUDA_AXIS_(threadIdx, d)
#define GROUP_ID(d) CUDA_AXIS_(blockIdx, d)
#define LOCAL_SIZE(d) CUDA_AXIS_(blockDim, d)
#define NUM_GROUPS(d) CUDA_AXIS_(gridDim, d)
#define GLOBAL_ID(d) (GROUP_ID(d) * LOCAL_SIZE(d) + LOCAL_ID(d))

/*
 * NVRTC compiles without the C headers: the float math functions (expf, fmaf, ...) and int min/max are CUDA device
 * built-ins. The constants and classification tests are defined here unless its built-in headers already made them
 * macros, so the kernels never depend on which CUDA release declares what; the tests take plain variables, and
 * without fast-math x != x holds exactly for NaN.
 */
#ifndef INFINITY
#define INFINITY __int_as_float(0x7f800000)
#endif
#ifndef NAN
#define NAN __int_as_float(0x7fffffff)
#endif
#ifndef isnan
#define isnan(x) ((x) != (x))
#endif
#ifndef isinf
#define isinf(x) (fabsf(x) == INFINITY)
#endif
#ifndef isfinite
#define isfinite(x) (fabsf(x) < INFINITY)
#endif
