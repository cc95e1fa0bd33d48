namespace ConvEngine.Kernels;

/// <summary>
/// Every number a 2-D convolution kernel needs, computed and validated once and handed unchanged to
/// every backend. Layouts: input (N, C, H, W), weight (O, C, KH, KW), bias (O), output (N, O, OH, OW).
/// Dilation 1 and groups 1, as the d2l chapter uses.
/// </summary>
public sealed record Conv2dParams
{
    private Conv2dParams(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        (N, C, H, W, O, KH, KW, SH, SW, PH, PW) = (n, c, h, w, o, kh, kw, sh, sw, ph, pw);
        // In long: a huge padding must not wrap around (an output too large for a tensor fails at its allocation).
        OH = (int)Math.Min((h + 2L * ph - kh) / sh + 1, int.MaxValue);
        OW = (int)Math.Min((w + 2L * pw - kw) / sw + 1, int.MaxValue);
    }

    /// <summary>Batch size.</summary>
    public int N { get; }
    /// <summary>Input channels.</summary>
    public int C { get; }
    /// <summary>Input height.</summary>
    public int H { get; }
    /// <summary>Input width.</summary>
    public int W { get; }
    /// <summary>Output channels.</summary>
    public int O { get; }
    /// <summary>Kernel height.</summary>
    public int KH { get; }
    /// <summary>Kernel width.</summary>
    public int KW { get; }
    /// <summary>Vertical stride.</summary>
    public int SH { get; }
    /// <summary>Horizontal stride.</summary>
    public int SW { get; }
    /// <summary>Zero rows added above and below.</summary>
    public int PH { get; }
    /// <summary>Zero columns added left and right.</summary>
    public int PW { get; }
    /// <summary>Output height: (H + 2·PH − KH) / SH + 1.</summary>
    public int OH { get; }
    /// <summary>Output width: (W + 2·PW − KW) / SW + 1.</summary>
    public int OW { get; }

    /// <summary>Elements of the input, weight and output tensors.</summary>
    public int InputSize => N * C * H * W;
    /// <inheritdoc cref="InputSize"/>
    public int WeightSize => O * C * KH * KW;
    /// <inheritdoc cref="InputSize"/>
    public int OutputSize => N * O * OH * OW;

    /// <summary>
    /// Validates shapes and hyper-parameters as PyTorch's <c>F.conv2d</c> does and computes the output size.
    /// </summary>
    /// <param name="input">(N, C, H, W)</param>
    /// <param name="weight">(O, C, KH, KW)</param>
    /// <param name="bias">(O) or null</param>
    /// <param name="stride">(SH, SW)</param>
    /// <param name="padding">(PH, PW)</param>
    /// <exception cref="ConvEngineException">with PyTorch's wording for each violation.</exception>
    public static Conv2dParams Create(int[] input, int[] weight, int[]? bias, (int H, int W) stride, (int H, int W) padding)
    {
        if (stride.H <= 0 || stride.W <= 0) throw new ConvEngineException("non-positive stride is not supported");
        if (padding.H < 0 || padding.W < 0) throw new ConvEngineException("negative padding is not supported");
        if (weight.Length != 4)
            throw new ConvEngineException($"Expected 4-dimensional weight for conv2d, but got weight of size: {Shapes.Format(weight)}");
        if (input.Length != 4)
            throw new ConvEngineException($"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: {Shapes.Format(input)}");
        if (input[1] != weight[1])
            throw new ConvEngineException(
                $"Given groups=1, weight of size {Shapes.Format(weight)}, expected input{Shapes.Format(input)} to have {weight[1]} channels, but got {input[1]} channels instead");
        if (bias is not null && (bias.Length != 1 || bias[0] != weight[0]))
            throw new ConvEngineException(
                $"Given weight of size {Shapes.Format(weight)}, expected bias to be 1-dimensional with {weight[0]} elements, but got bias of size {Shapes.Format(bias)} instead");
        long paddedH = input[2] + 2L * padding.H, paddedW = input[3] + 2L * padding.W;
        if (paddedH < weight[2] || paddedW < weight[3])
            throw new ConvEngineException(
                $"Calculated padded input size per channel: ({paddedH} x {paddedW}). Kernel size: ({weight[2]} x {weight[3]}). Kernel size can't be greater than actual input size");
        if (weight[0] == 0)
            throw new ConvEngineException($"Given groups=1, expected weight to be at least 1 at dimension 0, but got weight of size {Shapes.Format(weight)} instead");
        return new Conv2dParams(input[0], input[1], input[2], input[3], weight[0], weight[2], weight[3],
            stride.H, stride.W, padding.H, padding.W);
    }
}
