namespace ConvEngine.Kernels.Cuda.Native;

/// <summary>Turns CUresult and nvrtcResult codes into <see cref="CudaException"/>s.</summary>
internal static class CuCheck
{
    /// <summary>Throws unless <paramref name="result"/> is CUDA_SUCCESS.</summary>
    /// <param name="result">what <paramref name="function"/> returned</param>
    /// <param name="function">the driver call, named in the message</param>
    /// <param name="device">the device as <c>cuda:N (name)</c>, or null before one is involved</param>
    public static void Result(int result, string function, string? device = null)
    {
        if (result != CuResult.Success) throw Error(result, function, device);
    }

    /// <summary>The exception for a failed driver call.</summary>
    public static CudaException Error(int result, string function, string? device) =>
        new(function, result, CuResult.Name(result), CuResult.Description(result), device);

    /// <summary>Throws unless <paramref name="result"/> is NVRTC_SUCCESS.</summary>
    public static void Nvrtc(int result, string function, string? device = null, string? log = null)
    {
        if (result != NvrtcResult.Success) throw new CudaException(function, result, NvrtcResult.Name(result), null, device, log);
    }
}
