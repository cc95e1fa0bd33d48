namespace ConvEngine;

/// <summary>
/// One entry of a tensor index: a single position (removes the dimension, like <c>x[0]</c>) or a range
/// (keeps it, like <c>x[:, 2:6]</c>, written <c>x[.., 2..6]</c>). Ints and C# ranges convert implicitly.
/// </summary>
public readonly struct TensorIndex
{
    private TensorIndex(int? position, Range range) => (Position, Range) = (position, range);

    /// <summary>The single position, or null for a range.</summary>
    public int? Position { get; }

    /// <summary>The range when <see cref="Position"/> is null.</summary>
    public Range Range { get; }

    /// <summary>Selects one position; negative counts from the end.</summary>
    public static implicit operator TensorIndex(int position) => new(position, default);

    /// <summary>Selects a range, e.g. <c>2..6</c>, <c>..</c>, <c>^2..</c>.</summary>
    public static implicit operator TensorIndex(Range range) => new(null, range);
}
