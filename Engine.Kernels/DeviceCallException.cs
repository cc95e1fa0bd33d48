namespace ConvEngine.Kernels;

/// <summary>
/// A call into a device API (OpenCL, the CUDA driver, NVRTC) that returned an error: names the call, the code as
/// the API's header spells it (with the API's own description when it offers one) and the device, e.g.
/// <c>clEnqueueNDRangeKernel failed: CL_OUT_OF_RESOURCES on opencl:0 (NVIDIA A100)</c>. A failed compile also
/// carries the compiler's log, after the first line of the message and in <see cref="CompilerLog"/>.
/// </summary>
public abstract class DeviceCallException : ConvEngineException
{
    private protected DeviceCallException(string function, int code, string codeName, string? description, string? device, string? compilerLog)
        : base(FormatMessage(function, codeName, description, device, compilerLog))
    {
        Function = function;
        Code = code;
        CodeName = codeName;
        Device = device;
        CompilerLog = compilerLog;
    }

    /// <summary>The call that failed, e.g. <c>clBuildProgram</c>, <c>cuLaunchKernel(gemm)</c>.</summary>
    public string Function { get; }

    /// <summary>The status or result code it returned.</summary>
    public int Code { get; }

    /// <summary>The code's name, e.g. <c>CL_BUILD_PROGRAM_FAILURE</c>, <c>CUDA_ERROR_ILLEGAL_ADDRESS</c>.</summary>
    public string CodeName { get; }

    /// <summary>The device the call was for, as <c>opencl:0 (device name)</c>, or null for calls before one is chosen.</summary>
    public string? Device { get; }

    /// <summary>The compiler's output for a failed build, else null.</summary>
    public string? CompilerLog { get; }

    private static string FormatMessage(string function, string codeName, string? description, string? device, string? log)
    {
        string message = $"{function} failed: {codeName}" + (string.IsNullOrEmpty(description) ? "" : $" ({description})")
            + (device is null ? "" : $" on {device}");
        return string.IsNullOrWhiteSpace(log) ? message : message + "\n" + log.TrimEnd();
    }
}
