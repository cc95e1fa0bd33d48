namespace ConvEngine.Kernels.Cuda;

/// <summary>
/// A CUDA driver or NVRTC call that returned an error: names the call, the result as cuda.h or nvrtc.h spells it
/// (with the driver's description when it has one) and the device, e.g.
/// <c>cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory) on cuda:0 (NVIDIA H100 80GB HBM3)</c>. A failed
/// compile also carries NVRTC's log (see <see cref="DeviceCallException"/>).
/// </summary>
public sealed class CudaException : DeviceCallException
{
    internal CudaException(string function, int result, string resultName, string? description, string? device, string? compileLog = null)
        : base(function, result, resultName, description, device, compileLog) { }
}
