using System.Runtime.InteropServices;

namespace ConvEngine.Kernels.Cuda.Native;

/// <summary>
/// The CUDA driver API entry points ConvEngine calls, bound to <c>libcuda.so.1</c> (installed with the NVIDIA driver,
/// not with the toolkit). The names are the exported symbols that cuda.h's macros select: the <c>_v2</c> forms
/// for memory sizes and device pointers (64-bit since CUDA 3.2), stream destruction and primary-context release.
/// Every function returns a CUresult, which callers pass to <see cref="CuCheck.Result"/>. Handles (CUcontext,
/// CUstream, CUmodule, CUfunction) are raw <c>nint</c>, device pointers (CUdeviceptr) <c>ulong</c>, CUdevice an int.
/// A missing driver surfaces as <see cref="DllNotFoundException"/> on the first call.
/// </summary>
internal static unsafe partial class CuApi
{
    /// <summary>The driver library's soname.</summary>
    public const string Library = "libcuda.so.1";

    // ---- CUdevice_attribute (cuda.h) ---------------------------------------------------------------------------

    public const int AttributeMaxGridDimX = 5, AttributeMaxGridDimY = 6, AttributeMaxGridDimZ = 7,
        AttributeMultiprocessorCount = 16, AttributeComputeCapabilityMajor = 75, AttributeComputeCapabilityMinor = 76;

    /// <summary>CU_STREAM_NON_BLOCKING: the stream does not wait for the legacy default stream.</summary>
    public const uint StreamNonBlocking = 1;

    // ---- errors and initialisation -----------------------------------------------------------------------------

    [LibraryImport(Library)]
    public static partial int cuInit(uint flags);

    [LibraryImport(Library)]
    public static partial int cuDriverGetVersion(int* version);

    [LibraryImport(Library)]
    public static partial int cuGetErrorString(int result, byte** description);

    // ---- devices -----------------------------------------------------------------------------------------------

    [LibraryImport(Library)]
    public static partial int cuDeviceGetCount(int* count);

    [LibraryImport(Library)]
    public static partial int cuDeviceGet(int* device, int ordinal);

    [LibraryImport(Library)]
    public static partial int cuDeviceGetName(byte* name, int length, int device);

    [LibraryImport(Library)]
    public static partial int cuDeviceGetAttribute(int* value, int attribute, int device);

    [LibraryImport(Library)]
    public static partial int cuDeviceTotalMem_v2(nuint* bytes, int device);

    // ---- primary context ---------------------------------------------------------------------------------------

    [LibraryImport(Library)]
    public static partial int cuDevicePrimaryCtxRetain(nint* context, int device);

    [LibraryImport(Library)]
    public static partial int cuDevicePrimaryCtxRelease_v2(int device);

    [LibraryImport(Library)]
    public static partial int cuCtxSetCurrent(nint context);

    [LibraryImport(Library)]
    public static partial int cuCtxSynchronize();

    // ---- memory ------------------------------------------------------------------------------------------------

    [LibraryImport(Library)]
    public static partial int cuMemAlloc_v2(ulong* pointer, nuint bytes);

    [LibraryImport(Library)]
    public static partial int cuMemFree_v2(ulong pointer);

    [LibraryImport(Library)]
    public static partial int cuMemGetInfo_v2(nuint* free, nuint* total);

    [LibraryImport(Library)]
    public static partial int cuMemcpyHtoDAsync_v2(ulong dst, void* src, nuint bytes, nint stream);

    [LibraryImport(Library)]
    public static partial int cuMemcpyDtoHAsync_v2(void* dst, ulong src, nuint bytes, nint stream);

    [LibraryImport(Library)]
    public static partial int cuMemcpyDtoDAsync_v2(ulong dst, ulong src, nuint bytes, nint stream);

    [LibraryImport(Library)]
    public static partial int cuMemsetD32Async(ulong dst, uint value, nuint count, nint stream);

    // ---- streams -----------------------------------------------------------------------------------------------

    [LibraryImport(Library)]
    public static partial int cuStreamCreate(nint* stream, uint flags);

    [LibraryImport(Library)]
    public static partial int cuStreamSynchronize(nint stream);

    [LibraryImport(Library)]
    public static partial int cuStreamDestroy_v2(nint stream);

    // ---- modules and launches ----------------------------------------------------------------------------------

    [LibraryImport(Library)]
    public static partial int cuModuleLoadData(nint* module, void* image);

    [LibraryImport(Library)]
    public static partial int cuModuleGetFunction(nint* function, nint module, byte* name);

    [LibraryImport(Library)]
    public static partial int cuModuleUnload(nint module);

    [LibraryImport(Library)]
    public static partial int cuLaunchKernel(nint function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedMemBytes, nint stream, void** kernelParams, void** extra);
}
