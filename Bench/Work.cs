namespace ConvEngine.Bench;

/// <summary>What a work amount counts: floating-point operations, or bytes moved for memory-bound ops.</summary>
public enum WorkUnit
{
    /// <summary>Floating-point operations (a multiply-add counts 2); reported as GFLOP/s.</summary>
    Flop,
    /// <summary>Bytes read plus bytes written; reported as GB/s.</summary>
    Byte,
}

/// <summary>The work of one call of a benchmark method.</summary>
/// <param name="Amount">How many flops or bytes.</param>
/// <param name="Unit">Which of the two.</param>
public readonly record struct Work(double Amount, WorkUnit Unit)
{
    /// <summary><paramref name="flops"/> floating-point operations.</summary>
    public static Work Flops(double flops) => new(flops, WorkUnit.Flop);

    /// <summary><paramref name="floats"/> float32 values read or written (4 bytes each).</summary>
    public static Work FloatsMoved(double floats) => new(4 * floats, WorkUnit.Byte);

    /// <summary>Work per nanosecond, which is GFLOP/s or GB/s.</summary>
    public double PerNanosecond(double nanoseconds) => Amount / nanoseconds;
}

/// <summary>A benchmark class that says how much work one call of each of its benchmark methods does.</summary>
public interface IHasWork
{
    /// <summary>The work of one call of the benchmark method named <paramref name="method"/>, at the current parameter values.</summary>
    Work WorkOf(string method);
}
