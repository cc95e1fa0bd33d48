namespace ConvEngine.Nn;

/// <summary>Max pooling, as <c>nn.MaxPool2d</c>; stride defaults to the kernel size. (N, C, H, W) → (N, C, OH, OW).</summary>
public sealed class MaxPool2d(Pair kernelSize, Pair? stride = null, Pair? padding = null) : Module
{
    /// <summary>(KH, KW).</summary>
    public Pair KernelSize { get; } = kernelSize;
    /// <summary>(SH, SW).</summary>
    public Pair Stride { get; } = stride ?? kernelSize;
    /// <summary>(PH, PW).</summary>
    public Pair Padding { get; } = padding ?? 0;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, KernelSize, Stride, Padding);

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"kernel_size={PoolRepr.Of(KernelSize)}, stride={PoolRepr.Of(Stride)}, padding={PoolRepr.Of(Padding)}, dilation=1, ceil_mode=False";
}

/// <summary>Average pooling counting padded zeros, as <c>nn.AvgPool2d</c>. (N, C, H, W) → (N, C, OH, OW).</summary>
public sealed class AvgPool2d(Pair kernelSize, Pair? stride = null, Pair? padding = null) : Module
{
    /// <summary>(KH, KW).</summary>
    public Pair KernelSize { get; } = kernelSize;
    /// <summary>(SH, SW).</summary>
    public Pair Stride { get; } = stride ?? kernelSize;
    /// <summary>(PH, PW).</summary>
    public Pair Padding { get; } = padding ?? 0;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.AvgPool2d(input, KernelSize, Stride, Padding);

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"kernel_size={PoolRepr.Of(KernelSize)}, stride={PoolRepr.Of(Stride)}, padding={PoolRepr.Of(Padding)}";
}

// PyTorch's pooling repr prints a square size as one int: kernel_size=2.
internal static class PoolRepr
{
    public static string Of(Pair p) => p.H == p.W ? p.H.ToString() : p.ToString();
}
