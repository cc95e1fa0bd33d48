/*
 * The kernel dialect on OpenCL C 1.2. The kernel files (*.k) use only these names, and prelude.cuda.h maps
 * the same names to CUDA C, so each kernel is written once for both backends.
 *
 *   KERNEL void name(GLOBAL float* x, int n, SomeStruct s)   a kernel; device pointers carry GLOBAL, scalars
 *                                                           and structs of int/float pass by value
 *   INLINE float helper(...)                                 a device function called from kernels
 *   LOCAL float tile[16][64];                                work-group shared memory, declared at the top
 *                                                           level of a kernel body (OpenCL 1.2 allows it
 *                                                           nowhere else)
 *   LOCAL_ARG float* p                                       a helper's parameter pointing into LOCAL memory
 *   BARRIER()                                                every work-item of the group waits; LOCAL writes
 *                                                           before it are visible after it
 *   GLOBAL_ID(d) LOCAL_ID(d) GROUP_ID(d) LOCAL_SIZE(d) NUM_GROUPS(d)   work-item indices, d = 0, 1, 2, as int
 *   expf logf sqrtf tanhf powf fabsf fmaf fmaxf fminf        C99 float math; isnan isinf isfinite; INFINITY NAN
 *
 * The host launches with an explicit local size; the global size is a whole number of work-groups, so CUDA's
 * grid is the global size divided by the local size.
 */

/* a * b + c rounds twice, as C# computes it, unless a kernel writes fmaf: results then match the CPU backend's. */
#pragma OPENCL FP_CONTRACT OFF

#define KERNEL __kernel
#define GLOBAL __global
#define LOCAL __local
#define LOCAL_ARG __local
#define INLINE static inline
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)

#define GLOBAL_ID(d) ((int)get_global_id(d))
#define LOCAL_ID(d) ((int)get_local_id(d))
#define GROUP_ID(d) ((int)get_group_id(d))
#define LOCAL_SIZE(d) ((int)get_local_size(d))
#define NUM_GROUPS(d) ((int)get_num_groups(d))

/* OpenCL C overloads the C99 names for float; the f-suffixed spellings are CUDA's. */
#define expf(x) exp(x)
#define logf(x) log(x)
#define sqrtf(x) sqrt(x)
#define tanhf(x) tanh(x)
#define powf(x, y) pow(x, y)
#define fabsf(x) fabs(x)
#define fmaf(a, b, c) fma(a, b, c)
#define fmaxf(a, b) fmax(a, b)
#define fminf(a, b) fmin(a, b)
