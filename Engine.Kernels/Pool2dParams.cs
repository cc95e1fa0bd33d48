namespace ConvEngine.Kernels;

/// <summary>Which reduction a pooling window applies.</summary>
public enum PoolMode
{
    /// <summary>Largest value; padded cells never win; ties go to the first maximum in row-major order.</summary>
    Max,
    /// <summary>Mean with padded zeros counted in the divisor (PyTorch's <c>count_include_pad=True</c>).</summary>
    Avg,
}

/// <summary>
/// Every number a 2-D pooling kernel needs, validated once and shared by every backend.
/// Input (N, C, H, W) → output (N, C, OH, OW); floor output sizes (ceil_mode=False), dilation 1.
/// </summary>
public sealed record Pool2dParams
{
    private Pool2dParams(PoolMode mode, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        (Mode, N, C, H, W, KH, KW, SH, SW, PH, PW) = (mode, n, c, h, w, kh, kw, sh, sw, ph, pw);
        // In double: sizes near int.MaxValue must not wrap around.
        OH = (int)Math.Clamp(Math.Floor((h + 2.0 * ph - kh) / sh) + 1, int.MinValue, int.MaxValue);
        OW = (int)Math.Clamp(Math.Floor((w + 2.0 * pw - kw) / sw) + 1, int.MinValue, int.MaxValue);
    }

    /// <summary>Max or average.</summary>
    public PoolMode Mode { get; }
    /// <summary>Batch size.</summary>
    public int N { get; }
    /// <summary>Channels (pooled independently).</summary>
    public int C { get; }
    /// <summary>Input height.</summary>
    public int H { get; }
    /// <summary>Input width.</summary>
    public int W { get; }
    /// <summary>Window height.</summary>
    public int KH { get; }
    /// <summary>Window width.</summary>
    public int KW { get; }
    /// <summary>Vertical stride.</summary>
    public int SH { get; }
    /// <summary>Horizontal stride.</summary>
    public int SW { get; }
    /// <summary>Implicit padding rows (zeros for avg, never chosen by max).</summary>
    public int PH { get; }
    /// <summary>Implicit padding columns.</summary>
    public int PW { get; }
    /// <summary>Output height.</summary>
    public int OH { get; }
    /// <summary>Output width.</summary>
    public int OW { get; }

    /// <summary>Elements of the input tensor.</summary>
    public int InputSize => N * C * H * W;
    /// <summary>Elements of the output tensor.</summary>
    public int OutputSize => N * C * OH * OW;

    /// <summary>
    /// Validates as PyTorch's <c>F.max_pool2d</c> / <c>F.avg_pool2d</c> do, in their order and wording, and computes
    /// the output size. A 3-D input (C, H, W) is one image: N = 1.
    /// </summary>
    /// <param name="mode">max or avg</param>
    /// <param name="input">(N, C, H, W) or (C, H, W)</param>
    /// <param name="kernel">(KH, KW)</param>
    /// <param name="stride">(SH, SW)</param>
    /// <param name="padding">(PH, PW)</param>
    /// <exception cref="ConvEngineException">with PyTorch's wording for each violation.</exception>
    public static Pool2dParams Create(PoolMode mode, int[] input, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding)
    {
        string shape = Shapes.Format(input);
        bool ranked = input.Length is 3 or 4;
        // max_pool2d checks the rank first; avg_pool2d only in its shape check below.
        if (mode == PoolMode.Max && !ranked) throw new ConvEngineException("non-empty 3D or 4D (batch mode) tensor expected for input");
        // The output size per dimension, height first, checking as PyTorch's pooling_output_shape does.
        CheckDimension(kernel.H, stride.H, padding.H);
        CheckDimension(kernel.W, stride.W, padding.W);
        if (kernel.H <= 0 || kernel.W <= 0)
            throw new ConvEngineException($"kernel size should be greater than zero, but got kH: {kernel.H} kW: {kernel.W}");
        if (stride.H < 0 || stride.W < 0)
            throw new ConvEngineException($"stride should be greater than zero, but got dH: {stride.H} dW: {stride.W}");
        if (!ranked || input.AsSpan(input.Length - 3).Contains(0))
            throw new ConvEngineException($"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:{shape}");
        int n = input.Length == 4 ? input[0] : 1, c = input[^3], h = input[^2], w = input[^1];
        var p = new Pool2dParams(mode, n, c, h, w, kernel.H, kernel.W, stride.H, stride.W, padding.H, padding.W);
        if (p.OH < 1 || p.OW < 1)
            throw new ConvEngineException(
                $"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{p.OH}x{p.OW}). Output size is too small");
        return p;
    }

    private static void CheckDimension(int kernel, int stride, int padding)
    {
        if (stride == 0) throw new ConvEngineException("stride should not be zero");
        if (padding < 0) throw new ConvEngineException($"pad must be non-negative, but got pad: {padding}");
        if (padding > kernel / 2)
            throw new ConvEngineException($"pad should be at most half of kernel size, but got pad={padding} and kernel_size={kernel}");
    }
}
