using BenchmarkDotNet.Configs;

namespace ConvEngine.Bench;

/// <summary>The benchmark classes of the suite and the configuration they run with.</summary>
public static class Suite
{
    /// <summary>
    /// Every op family through the backend contract, the memory-speed reference and the LeNet training step.
    /// (The OpenBLAS reference is not here: it runs only in the peer comparison.)
    /// </summary>
    public static readonly Type[] Types =
    [
        typeof(Conv2dBenchmarks), typeof(Pool2dBenchmarks), typeof(MemoryCopyBenchmarks), typeof(GemmBenchmarks),
        typeof(LeNetStepBenchmarks),
    ];

    /// <summary>BenchmarkDotNet's defaults plus the GFLOP/s and GB/s columns.</summary>
    public static IConfig Config(IConfig defaults) => defaults.AddColumn(ThroughputColumn.GFlops, ThroughputColumn.GBytes);
}
