using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ConvEngine.Bench;

/// <summary>
/// A summary column beside the time: GFLOP/s (<see cref="WorkUnit.Flop"/>) or GB/s (<see cref="WorkUnit.Byte"/>),
/// the work of one call (<see cref="IHasWork"/>) over the mean time. Shown only when some benchmark in the summary
/// counts work in its unit; "-" for the others.
/// </summary>
public sealed class ThroughputColumn(WorkUnit unit) : IColumn
{
    /// <summary>GFLOP/s.</summary>
    public static readonly ThroughputColumn GFlops = new(WorkUnit.Flop);

    /// <summary>GB/s.</summary>
    public static readonly ThroughputColumn GBytes = new(WorkUnit.Byte);

    /// <inheritdoc/>
    public string Id => $"{nameof(ThroughputColumn)}.{unit}";

    /// <inheritdoc/>
    public string ColumnName => unit == WorkUnit.Flop ? "GFLOP/s" : "GB/s";

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Statistics;

    /// <inheritdoc/>
    public int PriorityInCategory => 100; // after Mean, Error and StdDev

    /// <inheritdoc/>
    public bool IsNumeric => true;

    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc/>
    public string Legend => unit == WorkUnit.Flop
        ? "Floating-point operations of one call (a multiply-add counts 2) per second of the mean time, in 10^9"
        : "Bytes read and written by one call per second of the mean time, in 10^9";

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (WorkOf(benchmarkCase) is not { } work || work.Unit != unit) return "-";
        double? mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is > 0 ? work.PerNanosecond(mean.Value).ToString("F1", CultureInfo.InvariantCulture) : "NA";
    }

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => WorkOf(c)?.Unit == unit);

    /// <summary>
    /// The work of one call of the case's method: a fresh instance of its class with the case's parameter values
    /// set, asked through <see cref="IHasWork"/>; null for classes that do not count work.
    /// </summary>
    public static Work? WorkOf(BenchmarkCase benchmarkCase)
    {
        var type = benchmarkCase.Descriptor.Type;
        if (!typeof(IHasWork).IsAssignableFrom(type)) return null;
        var instance = (IHasWork)Activator.CreateInstance(type)!;
        foreach (var parameter in benchmarkCase.Parameters.Items)
            type.GetProperty(parameter.Name)!.SetValue(instance, parameter.Value);
        return instance.WorkOf(benchmarkCase.Descriptor.WorkloadMethod.Name);
    }

    /// <inheritdoc/>
    public override string ToString() => ColumnName;
}
