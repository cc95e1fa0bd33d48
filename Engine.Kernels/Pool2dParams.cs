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
        OH = (int)Math.Floor((h + 2 * ph - kh) / (double)sh) + 1;
        OW = (int)Math.Floor((w + 2 * pw - kw) / (double)sw) + 1;
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

    /// <summary>Validates as PyTorch's <c>F.max_pool2d</c> / <c>F.avg_pool2d</c> do and computes the output size.</summary>
    /// <param name="mode">max or avg</param>
    /// <param name="input">(N, C, H, W)</param>
    /// <param name="kernel">(KH, KW)</param>
    /// <param name="stride">(SH, SW)</param>
    /// <param name="padding">(PH, PW)</param>
    /// <exception cref="ConvEngineException">with PyTorch's wording for each violation.</exception>
    public static Pool2dParams Create(PoolMode mode, int[] input, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding)
    {
        if (kernel.H <= 0 || kernel.W <= 0)
            throw new ConvEngineException($"kernel size should be greater than zero, but got kH: {kernel.H} kW: {kernel.W}");
        if (stride.H == 0 || stride.W == 0) throw new ConvEngineException("stride should not be zero");
        if (stride.H < 0 || stride.W < 0)
            throw new ConvEngineException($"stride should be greater than zero, but got dH: {stride.H} dW: {stride.W}");
        if (padding.H < 0 || padding.W < 0)
            throw new ConvEngineException($"pad must be non-negative, but got pad: {Math.Min(padding.H, padding.W)}");
        if (padding.H > kernel.H / 2 || padding.W > kernel.W / 2)
        {
            var (p, k) = padding.H > kernel.H / 2 ? (padding.H, kernel.H) : (padding.W, kernel.W);
            throw new ConvEngineException($"pad should be at most half of kernel size, but got pad={p} and kernel_size={k}");
        }
        if (input.Length != 4 || input[1] == 0 || input[2] == 0 || input[3] == 0)
            throw new ConvEngineException($"Expected 3D or 4D (batch mode) tensor for input, but got: {Shapes.Format(input)}");
        var p2 = new Pool2dParams(mode, input[0], input[1], input[2], input[3], kernel.H, kernel.W,
            stride.H, stride.W, padding.H, padding.W);
        if (input[2] + 2 * padding.H < kernel.H || input[3] + 2 * padding.W < kernel.W || p2.OH < 1 || p2.OW < 1)
            throw new ConvEngineException(
                $"Given input size: ({input[1]}x{input[2]}x{input[3]}). Calculated output size: ({input[1]}x{Math.Max(p2.OH, 0)}x{Math.Max(p2.OW, 0)}). Output size is too small");
        return p2;
    }
}
