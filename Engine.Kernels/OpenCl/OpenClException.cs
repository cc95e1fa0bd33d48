using ConvEngine.Kernels.OpenCl.Native;

namespace ConvEngine.Kernels.OpenCl;

/// <summary>
/// An OpenCL call that returned an error status: names the call, the status as cl.h spells it and the device,
/// e.g. <c>clEnqueueNDRangeKernel failed: CL_OUT_OF_RESOURCES on opencl:0 (NVIDIA A100)</c>. A failed program
/// build also carries the compiler's log (see <see cref="DeviceCallException"/>).
/// </summary>
public sealed class OpenClException : DeviceCallException
{
    internal OpenClException(string function, int status, string? device, string? buildLog = null)
        : base(function, status, ClStatus.Name(status), null, device, buildLog) { }
}
