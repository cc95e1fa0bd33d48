namespace ConvEngine.Kernels.OpenCl.Native;

/// <summary>Turns OpenCL status codes into <see cref="OpenClException"/>s.</summary>
internal static class ClCheck
{
    /// <summary>Throws unless <paramref name="status"/> is CL_SUCCESS.</summary>
    /// <param name="status">what <paramref name="function"/> returned</param>
    /// <param name="function">the OpenCL call, named in the message</param>
    /// <param name="device">the device as <c>opencl:N (name)</c>, or null before one is involved</param>
    public static void Status(int status, string function, string? device = null)
    {
        if (status != ClStatus.Success) throw new OpenClException(function, status, device);
    }
}
