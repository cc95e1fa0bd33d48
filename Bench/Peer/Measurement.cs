using BenchmarkDotNet.Reports;

namespace ConvEngine.Bench.Peer;

/// <summary>One benchmark case's median time and the work of one call.</summary>
/// <param name="Class">The benchmark class.</param>
/// <param name="Method">The benchmark method, e.g. Forward.</param>
/// <param name="Parameters">The parameter values other than the accelerator, comma-separated, e.g. <c>lenet1</c>.</param>
/// <param name="Accelerator">The device name, e.g. <c>cpu</c>; <c>cpu</c> for classes without the parameter.</param>
/// <param name="Nanoseconds">Median time of one call.</param>
/// <param name="Work">The work of one call.</param>
internal sealed record Measurement(Type Class, string Method, string Parameters, string Accelerator, double Nanoseconds, Work Work)
{
    /// <summary>The measurements of the successful reports of <paramref name="summary"/>.</summary>
    public static IEnumerable<Measurement> From(Summary summary) =>
        from report in summary.Reports
        where report.Success && report.ResultStatistics is not null
        let c = report.BenchmarkCase
        let accelerator = c.Parameters.Items.FirstOrDefault(p => p.Name == nameof(AcceleratorBenchmark.Accelerator))
        select new Measurement(c.Descriptor.Type, c.Descriptor.WorkloadMethod.Name,
            string.Join(",", c.Parameters.Items.Where(p => p != accelerator).Select(p => p.Value)),
            accelerator?.Value?.ToString() ?? "cpu", report.ResultStatistics!.Median,
            ThroughputColumn.WorkOf(c) ?? throw new InvalidOperationException($"{c.Descriptor.Type.Name} does not count its work"));

    /// <summary>Work per second in 10⁹ (GFLOP/s or GB/s).</summary>
    public double Throughput => Work.PerNanosecond(Nanoseconds);

    /// <summary>The median time in milliseconds.</summary>
    public double Milliseconds => Nanoseconds / 1e6;
}
