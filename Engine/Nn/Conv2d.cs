namespace ConvEngine.Nn;

/// <summary>
/// A 2-D convolution layer, as <c>nn.Conv2d</c>: weight (out, in, KH, KW) and bias (out), both initialised
/// as PyTorch does (Kaiming-uniform a = √5 for the weight, uniform ±1/√fan_in for the bias).
/// Input (N, in, H, W) → output (N, out, OH, OW).
/// </summary>
public sealed class Conv2d : Module
{
    /// <summary>Creates the layer; <paramref name="generator"/> defaults to the global one.</summary>
    public Conv2d(int inChannels, int outChannels, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        bool bias = true, Generator? generator = null)
    {
        if (inChannels <= 0 || outChannels <= 0)
            throw new ConvEngineException($"Conv2d channels must be positive, but got in_channels={inChannels}, out_channels={outChannels}");
        if (kernelSize.H <= 0 || kernelSize.W <= 0)
            throw new ConvEngineException($"kernel size should be greater than zero, but got {kernelSize}");
        (InChannels, OutChannels, KernelSize, Stride, Padding) = (inChannels, outChannels, kernelSize, stride ?? 1, padding ?? 0);
        if (Stride.H <= 0 || Stride.W <= 0) throw new ConvEngineException("non-positive stride is not supported");
        if (Padding.H < 0 || Padding.W < 0) throw new ConvEngineException("negative padding is not supported");

        var weight = Init.KaimingUniform(Tensor.Zeros(outChannels, inChannels, kernelSize.H, kernelSize.W), Math.Sqrt(5), generator);
        RegisterParameter("weight", weight);
        Tensor? b = null;
        if (bias)
        {
            float bound = 1f / MathF.Sqrt(Init.Fans(weight).FanIn);
            b = Init.Uniform(Tensor.Zeros(outChannels), -bound, bound, generator);
        }
        RegisterParameter("bias", b);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }
    /// <summary>Output channels.</summary>
    public int OutChannels { get; }
    /// <summary>(KH, KW).</summary>
    public Pair KernelSize { get; }
    /// <summary>(SH, SW).</summary>
    public Pair Stride { get; }
    /// <summary>(PH, PW).</summary>
    public Pair Padding { get; }

    /// <summary>(out, in, KH, KW).</summary>
    public Tensor Weight => Parameter("weight")!;

    /// <summary>(out), or null when created with bias: false.</summary>
    public Tensor? Bias => Parameter("bias");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, Weight, Bias, Stride, Padding);

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"{InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}"
        + (Padding != new Pair(0, 0) ? $", padding={Padding}" : "")
        + (Bias is null ? ", bias=False" : "");
}
