using System.Runtime.InteropServices;
using System.Text;
using ConvEngine.Kernels.Cuda.Native;

namespace ConvEngine.Kernels.Cuda;

/// <summary>What the driver reports about one device, read once when the devices are probed.</summary>
/// <param name="Device">the CUdevice</param>
/// <param name="Name">e.g. <c>NVIDIA H100 80GB HBM3</c></param>
/// <param name="Major">compute capability, major part</param>
/// <param name="Minor">compute capability, minor part</param>
/// <param name="Multiprocessors">streaming multiprocessors</param>
/// <param name="TotalMemory">bytes of device memory</param>
/// <param name="MaxGrid">the largest grid, in blocks, along x, y and z</param>
/// <param name="DriverVersion">the driver's CUDA version as cuDriverGetVersion gives it (13000 for 13.0)</param>
internal sealed record CudaDeviceInfo(int Device, string Name, int Major, int Minor, int Multiprocessors, ulong TotalMemory,
    (int X, int Y, int Z) MaxGrid, int DriverVersion)
{
    /// <summary>Reads device <paramref name="ordinal"/>; cuInit has succeeded.</summary>
    public static unsafe CudaDeviceInfo Read(int ordinal, int driverVersion)
    {
        int found;
        CuCheck.Result(CuApi.cuDeviceGet(&found, ordinal), "cuDeviceGet");
        int device = found;
        byte* name = stackalloc byte[256];
        CuCheck.Result(CuApi.cuDeviceGetName(name, 256, device), "cuDeviceGetName");
        nuint bytes;
        CuCheck.Result(CuApi.cuDeviceTotalMem_v2(&bytes, device), "cuDeviceTotalMem_v2");
        int Attribute(int attribute)
        {
            int value;
            CuCheck.Result(CuApi.cuDeviceGetAttribute(&value, attribute, device), "cuDeviceGetAttribute");
            return value;
        }
        return new CudaDeviceInfo(device, Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name)),
            Attribute(CuApi.AttributeComputeCapabilityMajor), Attribute(CuApi.AttributeComputeCapabilityMinor),
            Attribute(CuApi.AttributeMultiprocessorCount), bytes,
            (Attribute(CuApi.AttributeMaxGridDimX), Attribute(CuApi.AttributeMaxGridDimY), Attribute(CuApi.AttributeMaxGridDimZ)),
            driverVersion);
    }

    /// <summary>A version number as the driver and NVRTC encode it (1000·major + 10·minor) written <c>13.0</c>.</summary>
    public static string FormatVersion(int version) => $"{version / 1000}.{version % 1000 / 10}";
}
