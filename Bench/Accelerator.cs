using ConvEngine.Kernels;

namespace ConvEngine.Bench;

/// <summary>One accelerator present on this machine, as a benchmark parameter (shown by its name).</summary>
public sealed record Accelerator(IBackend Backend)
{
    /// <summary>Every device every accelerator kind offers here.</summary>
    public static IEnumerable<Accelerator> All() =>
        Accelerators.Probe().SelectMany(r => r.Devices).Select(b => new Accelerator(b));

    public override string ToString() => Backend.Name;
}
