using ConvEngine.Kernels;

namespace ConvEngine;

/// <summary>A tensor's shape, read-only; prints as PyTorch prints <c>torch.Size</c>: <c>[8, 8]</c>.</summary>
public sealed class Size : IReadOnlyList<int>, IEquatable<Size>
{
    private readonly int[] _dims;

    /// <summary>A shape with the given dimensions.</summary>
    public Size(params int[] dims) => _dims = (int[])dims.Clone();

    /// <summary>The length of dimension <paramref name="index"/>; negative indices count from the end.</summary>
    public int this[int index] => _dims[index < 0 ? index + _dims.Length : index];

    /// <summary>Number of dimensions.</summary>
    public int Count => _dims.Length;

    /// <summary>Product of the dimensions.</summary>
    public int Numel => Shapes.Numel(_dims);

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => (int[])_dims.Clone();

    /// <inheritdoc/>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_dims).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(Size? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Size);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in _dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => Shapes.Format(_dims);
}
