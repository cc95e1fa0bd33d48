using BenchmarkDotNet.Attributes;
using ConvEngine.Kernels;

namespace ConvEngine.Bench;

/// <summary>
/// Base of the benchmark classes: the <see cref="Accelerator"/> parameter, one value per device present
/// (cpu, each OpenCL device, each CUDA device), and <see cref="Synchronize"/>, which every measured method
/// ends with so asynchronous devices are timed to completion.
/// </summary>
public abstract class AcceleratorBenchmark
{
    /// <summary>The device the benchmark runs on.</summary>
    [ParamsSource(nameof(Accelerators))]
    public Accelerator Accelerator { get; set; } = null!;

    /// <summary>Every device present, as the <see cref="Accelerator"/> parameter's values.</summary>
    public static IEnumerable<Accelerator> Accelerators() => Accelerator.All();

    /// <summary>The device's backend.</summary>
    protected IBackend Backend => Accelerator.Backend;

    /// <summary>Waits for the work queued on the device.</summary>
    protected void Synchronize() => Backend.Synchronize();
}
