using System.Text;

namespace ConvEngine.Kernels.OpenCl.Native;

/// <summary>Reads platform, device and build information through the two-call size-then-value protocol; strings come back with runs of whitespace collapsed to one space.</summary>
internal static unsafe class ClInfo
{
    /// <summary>A string property of a platform (CL_PLATFORM_NAME, ...).</summary>
    public static string PlatformString(nint platform, uint param) =>
        ReadString((size, value, sizeRet) => ClApi.clGetPlatformInfo(platform, param, size, value, sizeRet), "clGetPlatformInfo", null);

    /// <summary>A string property of a device (CL_DEVICE_NAME, ...).</summary>
    public static string DeviceString(nint device, uint param) =>
        ReadString((size, value, sizeRet) => ClApi.clGetDeviceInfo(device, param, size, value, sizeRet), "clGetDeviceInfo", null);

    /// <summary>A fixed-size property of a device: cl_uint as uint, cl_ulong and bitfields as ulong, size_t as nuint.</summary>
    public static T DeviceValue<T>(nint device, uint param) where T : unmanaged
    {
        T value = default;
        ClCheck.Status(ClApi.clGetDeviceInfo(device, param, (nuint)sizeof(T), &value, null), "clGetDeviceInfo");
        return value;
    }

    /// <summary>The compiler's log for <paramref name="program"/> on <paramref name="device"/>.</summary>
    public static string BuildLog(nint program, nint device, string where) =>
        ReadString((size, value, sizeRet) => ClApi.clGetProgramBuildInfo(program, device, ClApi.ProgramBuildLog, size, value, sizeRet),
            "clGetProgramBuildInfo", where);

    private delegate int InfoCall(nuint size, void* value, nuint* sizeRet);

    private static string ReadString(InfoCall call, string function, string? where)
    {
        nuint size;
        ClCheck.Status(call(0, null, &size), function, where);
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes) ClCheck.Status(call(size, p, null), function, where);
        return string.Join(" ", Encoding.UTF8.GetString(bytes).TrimEnd('\0').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }
}
