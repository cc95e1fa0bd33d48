using ConvEngine.Kernels.Cpu;

namespace ConvEngine.Kernels;

/// <summary>What a probe found for one accelerator kind: its devices, or why there are none.</summary>
/// <param name="Kind">cpu, opencl or cuda.</param>
/// <param name="Devices">Backends ready to use (empty when unavailable).</param>
/// <param name="UnavailableReason">Why the kind has no device, or null.</param>
public sealed record AcceleratorReport(string Kind, IReadOnlyList<IBackend> Devices, string? UnavailableReason);

/// <summary>Discovers the accelerators this build and this machine offer.</summary>
public static class Accelerators
{
    /// <summary>One report per accelerator kind, CPU first.</summary>
    public static IReadOnlyList<AcceleratorReport> Probe() =>
    [
        new("cpu", [CpuBackend.Instance], null),
        new("opencl", [], "this build of ConvEngine has no OpenCL backend yet"),
        new("cuda", [], "this build of ConvEngine has no CUDA backend yet"),
    ];
}
