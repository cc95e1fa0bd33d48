namespace ConvEngine.Kernels;

/// <summary>Shape helpers shared by the kernels layer and the engine.</summary>
public static class Shapes
{
    /// <summary>PyTorch's way of writing a size in messages: <c>[1, 3, 8, 8]</c>.</summary>
    public static string Format(IEnumerable<int> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Product of the dimensions (1 for a scalar).</summary>
    public static int Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        if (n > int.MaxValue) throw new ConvEngineException($"tensor of {n} elements exceeds the 2^31-1 element limit");
        return (int)n;
    }
}
