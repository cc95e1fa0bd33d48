using ConvEngine.Kernels.OpenCl.Native;

namespace ConvEngine.Kernels.OpenCl;

/// <summary>
/// An OpenCL call that returned an error status: names the call, the status as cl.h spells it and the device,
/// e.g. <c>clEnqueueNDRangeKernel failed: CL_OUT_OF_RESOURCES on opencl:0 (NVIDIA A100)</c>. A failed program
/// build also carries the compiler's log, after the first line of the message and in <see cref="BuildLog"/>.
/// </summary>
public sealed class OpenClException : ConvEngineException
{
    internal OpenClException(string function, int status, string? device, string? buildLog = null)
        : base(FormatMessage(function, status, device, buildLog))
    {
        Function = function;
        Status = status;
        Device = device;
        BuildLog = buildLog;
    }

    /// <summary>The OpenCL function that failed, e.g. <c>clBuildProgram</c>.</summary>
    public string Function { get; }

    /// <summary>The status code it returned (negative).</summary>
    public int Status { get; }

    /// <summary>The status code's name, e.g. <c>CL_BUILD_PROGRAM_FAILURE</c>.</summary>
    public string StatusName => ClStatus.Name(Status);

    /// <summary>The device the call was for, as <c>opencl:0 (device name)</c>, or null for calls before one is chosen.</summary>
    public string? Device { get; }

    /// <summary>The compiler's output for a failed build, else null.</summary>
    public string? BuildLog { get; }

    private static string FormatMessage(string function, int status, string? device, string? buildLog)
    {
        string message = $"{function} failed: {ClStatus.Name(status)}" + (device is null ? "" : $" on {device}");
        return string.IsNullOrWhiteSpace(buildLog) ? message : message + "\n" + buildLog.TrimEnd();
    }
}
