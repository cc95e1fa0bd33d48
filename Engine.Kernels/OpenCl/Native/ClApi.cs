using System.Runtime.InteropServices;

namespace ConvEngine.Kernels.OpenCl.Native;

/// <summary>
/// The OpenCL 1.2 entry points ConvEngine calls (platforms, devices, context, queue, buffers, programs, kernels), bound to the ICD loader <c>libOpenCL.so.1</c> (Debian
/// <c>ocl-icd-libopencl1</c>), which forwards each call to the platform that owns the handle (PoCL, a GPU
/// driver). Handles are raw <c>nint</c> here; <see cref="ClHandle"/> owns them. Every function returns or
/// writes a status code, which callers pass to <see cref="ClCheck.Status"/>. A missing loader surfaces as
/// <see cref="DllNotFoundException"/> on the first call.
/// </summary>
internal static unsafe partial class ClApi
{
    /// <summary>The ICD loader's soname.</summary>
    public const string Library = "libOpenCL.so.1";

    // ---- cl_platform_info, cl_device_info and the other parameter names (cl.h) ----------------------------------

    public const uint PlatformVersion = 0x0901, PlatformName = 0x0902, PlatformVendor = 0x0903;
    public const uint DeviceType = 0x1000, DeviceMaxComputeUnits = 0x1002, DeviceMaxMemAllocSize = 0x1010,
        DeviceSingleFpConfig = 0x101B, DeviceGlobalMemSize = 0x101F, DeviceName = 0x102B, DriverVersion = 0x102D,
        DeviceVersion = 0x102F, DeviceOpenClCVersion = 0x103D;
    public const uint ProgramBuildLog = 0x1183;

    /// <summary>cl_device_type bits.</summary>
    public const ulong DeviceTypeCpu = 1 << 1, DeviceTypeGpu = 1 << 2, DeviceTypeAccelerator = 1 << 3, DeviceTypeAll = 0xFFFFFFFF;

    /// <summary>CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT in CL_DEVICE_SINGLE_FP_CONFIG.</summary>
    public const ulong FpCorrectlyRoundedDivideSqrt = 1 << 7;

    /// <summary>CL_MEM_READ_WRITE.</summary>
    public const ulong MemReadWrite = 1 << 0;

    /// <summary>CL_TRUE, for blocking transfers.</summary>
    public const uint True = 1;

    // ---- platforms and devices ---------------------------------------------------------------------------------

    [LibraryImport(Library)]
    public static partial int clGetPlatformIDs(uint numEntries, nint* platforms, uint* numPlatforms);

    [LibraryImport(Library)]
    public static partial int clGetPlatformInfo(nint platform, uint paramName, nuint valueSize, void* value, nuint* valueSizeRet);

    [LibraryImport(Library)]
    public static partial int clGetDeviceIDs(nint platform, ulong deviceType, uint numEntries, nint* devices, uint* numDevices);

    [LibraryImport(Library)]
    public static partial int clGetDeviceInfo(nint device, uint paramName, nuint valueSize, void* value, nuint* valueSizeRet);

    // ---- context and queue -------------------------------------------------------------------------------------

    [LibraryImport(Library)]
    public static partial nint clCreateContext(nint* properties, uint numDevices, nint* devices, nint notify, nint userData, int* status);

    [LibraryImport(Library)]
    public static partial nint clCreateCommandQueue(nint context, nint device, ulong properties, int* status);

    [LibraryImport(Library)]
    public static partial int clFinish(nint queue);

    [LibraryImport(Library)]
    public static partial int clReleaseContext(nint context);

    [LibraryImport(Library)]
    public static partial int clReleaseCommandQueue(nint queue);

    // ---- buffers -----------------------------------------------------------------------------------------------

    [LibraryImport(Library)]
    public static partial nint clCreateBuffer(nint context, ulong flags, nuint size, void* hostPtr, int* status);

    [LibraryImport(Library)]
    public static partial int clEnqueueWriteBuffer(nint queue, nint buffer, uint blocking, nuint offset, nuint size, void* ptr,
        uint numEvents, nint* waitList, nint* evt);

    [LibraryImport(Library)]
    public static partial int clEnqueueReadBuffer(nint queue, nint buffer, uint blocking, nuint offset, nuint size, void* ptr,
        uint numEvents, nint* waitList, nint* evt);

    [LibraryImport(Library)]
    public static partial int clEnqueueFillBuffer(nint queue, nint buffer, void* pattern, nuint patternSize, nuint offset, nuint size,
        uint numEvents, nint* waitList, nint* evt);

    [LibraryImport(Library)]
    public static partial int clEnqueueCopyBuffer(nint queue, nint src, nint dst, nuint srcOffset, nuint dstOffset, nuint size,
        uint numEvents, nint* waitList, nint* evt);

    [LibraryImport(Library)]
    public static partial int clReleaseMemObject(nint buffer);

    // ---- programs and kernels ----------------------------------------------------------------------------------

    [LibraryImport(Library)]
    public static partial nint clCreateProgramWithSource(nint context, uint count, byte** strings, nuint* lengths, int* status);

    [LibraryImport(Library)]
    public static partial int clBuildProgram(nint program, uint numDevices, nint* devices, byte* options, nint notify, nint userData);

    [LibraryImport(Library)]
    public static partial int clGetProgramBuildInfo(nint program, nint device, uint paramName, nuint valueSize, void* value, nuint* valueSizeRet);

    [LibraryImport(Library)]
    public static partial int clReleaseProgram(nint program);

    [LibraryImport(Library)]
    public static partial nint clCreateKernel(nint program, byte* name, int* status);

    [LibraryImport(Library)]
    public static partial int clSetKernelArg(nint kernel, uint index, nuint size, void* value);

    [LibraryImport(Library)]
    public static partial int clEnqueueNDRangeKernel(nint queue, nint kernel, uint workDim, nuint* globalOffset, nuint* globalSize,
        nuint* localSize, uint numEvents, nint* waitList, nint* evt);

    [LibraryImport(Library)]
    public static partial int clReleaseKernel(nint kernel);
}
