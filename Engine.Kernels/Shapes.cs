namespace ConvEngine.Kernels;

/// <summary>Shape helpers shared by the kernels layer and the engine.</summary>
public static class Shapes
{
    /// <summary>PyTorch's way of writing a size in messages: <c>[1, 3, 8, 8]</c>.</summary>
    public static string Format(IEnumerable<int> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Product of the dimensions (1 for a scalar).</summary>
    /// <exception cref="ConvEngineException">PyTorch's overflow message when the product passes the element limit of a tensor, 2^31 − 1.</exception>
    public static int Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            n *= d; // |n| ≤ 2^31 before each step, so the long never overflows
            if (n > int.MaxValue || n < int.MinValue)
                throw new ConvEngineException(
                    $"Storage size calculation overflowed with sizes={Format(shape.ToArray())}: a tensor holds at most {int.MaxValue} elements");
        }
        return (int)n;
    }
}
