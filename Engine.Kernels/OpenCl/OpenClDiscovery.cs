using ConvEngine.Kernels.OpenCl.Native;

namespace ConvEngine.Kernels.OpenCl;

/// <summary>One OpenCL platform (a driver registered with the ICD loader) and its devices.</summary>
/// <param name="Index">Position in the loader's platform list.</param>
/// <param name="Name">CL_PLATFORM_NAME, e.g. <c>Portable Computing Language</c>.</param>
/// <param name="Vendor">CL_PLATFORM_VENDOR.</param>
/// <param name="Version">CL_PLATFORM_VERSION, e.g. <c>OpenCL 3.0 PoCL 3.1</c>.</param>
/// <param name="Devices">Its devices as backends, numbered <c>opencl:N</c> across all platforms.</param>
public sealed record OpenClPlatform(int Index, string Name, string Vendor, string Version, IReadOnlyList<OpenClBackend> Devices);

/// <summary>
/// Finds the OpenCL platforms and devices of this machine, once per process: <c>opencl:N</c> numbers the devices
/// of all platforms in the loader's order. When there are none, <see cref="UnavailableReason"/> says why
/// (no loader library, no platform, no device) and how to install one.
/// </summary>
public static class OpenClDiscovery
{
    private static readonly Lazy<(IReadOnlyList<OpenClPlatform> Platforms, string? Reason)> Found = new(Discover);

    /// <summary>The platforms found (empty when OpenCL is unavailable).</summary>
    public static IReadOnlyList<OpenClPlatform> Platforms => Found.Value.Platforms;

    /// <summary>Every device of every platform, in <c>opencl:N</c> order.</summary>
    public static IReadOnlyList<OpenClBackend> Devices => [.. Platforms.SelectMany(p => p.Devices)];

    /// <summary>Why there is no OpenCL device, or null when there is one.</summary>
    public static string? UnavailableReason => Found.Value.Reason;

    /// <summary>The one-line reason for "unavailable" that a failure of the probe gives.</summary>
    internal static string ReasonFor(Exception failure) => failure switch
    {
        DllNotFoundException => $"{ClApi.Library} not found (apt-get install ocl-icd-libopencl1 pocl-opencl-icd)",
        EntryPointNotFoundException e => $"{ClApi.Library} is not an OpenCL 1.2 loader: {e.Message}",
        OpenClException { Code: ClStatus.PlatformNotFoundKhr } =>
            "no OpenCL platform: the loader found no driver in /etc/OpenCL/vendors (apt-get install pocl-opencl-icd, or a GPU's OpenCL driver)",
        _ => failure.Message.ReplaceLineEndings(" "),
    };

    private static (IReadOnlyList<OpenClPlatform>, string?) Discover()
    {
        try
        {
            var platforms = new List<OpenClPlatform>();
            int next = 0;
            foreach (nint id in PlatformIds())
            {
                string name = ClInfo.PlatformString(id, ClApi.PlatformName);
                var devices = DeviceIds(id).Select(d => new OpenClBackend(next++, OpenClDeviceInfo.Read(id, name, d))).ToList();
                platforms.Add(new OpenClPlatform(platforms.Count, name, ClInfo.PlatformString(id, ClApi.PlatformVendor),
                    ClInfo.PlatformString(id, ClApi.PlatformVersion), devices));
            }
            string? reason = platforms.Count == 0 ? ReasonFor(new OpenClException("clGetPlatformIDs", ClStatus.PlatformNotFoundKhr, null))
                : next == 0 ? $"no OpenCL device on {string.Join(", ", platforms.Select(p => p.Name))}"
                : null;
            return (platforms, reason);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or OpenClException)
        {
            return ([], ReasonFor(e));
        }
    }

    private static unsafe nint[] PlatformIds()
    {
        uint count;
        int status = ClApi.clGetPlatformIDs(0, null, &count);
        if (status == ClStatus.PlatformNotFoundKhr) return [];
        ClCheck.Status(status, "clGetPlatformIDs");
        var ids = new nint[count];
        fixed (nint* p = ids) ClCheck.Status(ClApi.clGetPlatformIDs(count, p, null), "clGetPlatformIDs");
        return ids;
    }

    private static unsafe nint[] DeviceIds(nint platform)
    {
        const int DeviceNotFound = -1; // a platform without devices
        uint count;
        int status = ClApi.clGetDeviceIDs(platform, ClApi.DeviceTypeAll, 0, null, &count);
        if (status == DeviceNotFound) return [];
        ClCheck.Status(status, "clGetDeviceIDs");
        var ids = new nint[count];
        fixed (nint* p = ids) ClCheck.Status(ClApi.clGetDeviceIDs(platform, ClApi.DeviceTypeAll, count, p, null), "clGetDeviceIDs");
        return ids;
    }
}
