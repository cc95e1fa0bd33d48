using ConvEngine.Kernels.Cuda.Native;

namespace ConvEngine.Kernels.Cuda;

/// <summary>
/// Finds the CUDA devices of this machine, once per process: <c>cuda:N</c> is the driver's device N. When there are
/// none, <see cref="UnavailableReason"/> says why: no NVIDIA driver (libcuda.so.1), cuInit's error, no device, or
/// no NVRTC (naming the libraries tried). Probing never throws: a machine without a driver simply has no CUDA.
/// </summary>
public static class CudaDiscovery
{
    private static readonly Lazy<(IReadOnlyList<CudaBackend> Devices, string? Reason)> Found = new(Discover);

    /// <summary>Every device, in <c>cuda:N</c> order (empty when CUDA is unavailable).</summary>
    public static IReadOnlyList<CudaBackend> Devices => Found.Value.Devices;

    /// <summary>Why there is no CUDA device, or null when there is one.</summary>
    public static string? UnavailableReason => Found.Value.Reason;

    /// <summary>The one-line reason for "unavailable" that a failure of the probe gives.</summary>
    internal static string ReasonFor(Exception failure) => failure switch
    {
        DllNotFoundException => $"{CuApi.Library} could not be loaded: the NVIDIA driver is not installed",
        EntryPointNotFoundException e => $"{CuApi.Library} is older than CUDA 11, which ConvEngine needs: {e.Message}",
        _ => failure.Message.ReplaceLineEndings(" "),
    };

    private static unsafe (IReadOnlyList<CudaBackend>, string?) Discover()
    {
        try
        {
            CuCheck.Result(CuApi.cuInit(0), "cuInit");
            int count, version;
            CuCheck.Result(CuApi.cuDeviceGetCount(&count), "cuDeviceGetCount");
            if (count == 0) return ([], "the NVIDIA driver is installed but reports no CUDA device");
            if (NvrtcLibrary.Failure is { } noCompiler) return ([], noCompiler);
            CuCheck.Result(CuApi.cuDriverGetVersion(&version), "cuDriverGetVersion");
            int driverVersion = version;
            return (Enumerable.Range(0, count).Select(i => new CudaBackend(i, CudaDeviceInfo.Read(i, driverVersion))).ToList(), null);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or CudaException)
        {
            return ([], ReasonFor(e));
        }
    }
}
