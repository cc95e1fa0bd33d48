using ConvEngine.Kernels.Cpu;
using ConvEngine.Kernels.Cuda;
using ConvEngine.Kernels.OpenCl;

namespace ConvEngine.Kernels;

/// <summary>What a probe found for one accelerator kind: its devices, or why there are none.</summary>
/// <param name="Kind">cpu, opencl or cuda.</param>
/// <param name="Devices">Backends ready to use (empty when unavailable).</param>
/// <param name="UnavailableReason">Why the kind has no device, or null.</param>
public sealed record AcceleratorReport(string Kind, IReadOnlyList<IBackend> Devices, string? UnavailableReason);

/// <summary>Discovers the accelerators this build and this machine offer.</summary>
public static class Accelerators
{
    // Probed once: the backends are process-wide, and a Device is equal to another only with the same backend.
    private static readonly Lazy<IReadOnlyList<AcceleratorReport>> Reports = new(() =>
    [
        new("cpu", [CpuBackend.Instance], null),
        new("opencl", OpenClDiscovery.Devices, OpenClDiscovery.UnavailableReason),
        new("cuda", CudaDiscovery.Devices, CudaDiscovery.UnavailableReason),
    ]);

    /// <summary>One report per accelerator kind, CPU first; the same backend instances on every call.</summary>
    public static IReadOnlyList<AcceleratorReport> Probe() => Reports.Value;
}
