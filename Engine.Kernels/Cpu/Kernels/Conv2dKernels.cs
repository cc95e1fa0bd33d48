using System.Numerics.Tensors;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// One sample's share of each convolution pass as a matrix product. With K = C·KH·KW taps and
/// P = OH·OW output positions, the weight (O, C, KH, KW) is the matrix (O, K), an output sample
/// (O, OH, OW) is (O, P), and the image unfolds into the column matrix col (K, P), so
/// forward is out = W·col, backward-weight is gradW += gradOut·colᵀ (both packing col straight from the
/// image, see <see cref="ImageColumns"/>), and backward-input is col' = Wᵀ·gradOut folded back onto the image.
/// </summary>
internal static unsafe class Conv2dKernels
{
    /// <summary>
    /// A 1 × 1 kernel with stride 1 and no padding reads every pixel exactly once in order, so the image
    /// (C, H·W) already is its column matrix and col2im is skipped.
    /// </summary>
    private static bool IsPointwise(Conv2dParams p) =>
        p.KH == 1 && p.KW == 1 && p.SH == 1 && p.SW == 1 && p.PH == 0 && p.PW == 0;

    /// <summary>Floats of column scratch <see cref="BackwardInput"/> needs per sample: (C·KH·KW, OH·OW), none when pointwise.</summary>
    public static int BackwardInputScratch(Conv2dParams p) => IsPointwise(p) ? 0 : p.C * p.KH * p.KW * p.OH * p.OW;

    /// <summary>output (O, OH, OW) = weight (O, K) · unfold(image (C, H, W)) + bias (O, or empty for none).</summary>
    public static void Forward(Conv2dParams p, ReadOnlySpan<float> image, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> output, int threads)
    {
        int taps = p.C * p.KH * p.KW, positions = p.OH * p.OW;
        ArgumentOutOfRangeException.ThrowIfLessThan(image.Length, p.C * p.H * p.W, nameof(image));
        // The bias enters as the initial C of the product (β = 1), saving a separate pass over the output.
        float beta = 0f;
        if (!bias.IsEmpty)
        {
            for (int o = 0; o < p.O; o++) output.Slice(o * positions, positions).Fill(bias[o]);
            beta = 1f;
        }
        fixed (float* pixels = image)
            Sgemm.Multiply(false, p.O, positions, taps, 1f, weight, new ImageColumns(p, pixels), beta, output, threads);
    }

    /// <summary>gradImage (C, H, W) = fold(weightᵀ (K, O) · gradOutput (O, OH·OW)); overwritten.</summary>
    public static void BackwardInput(Conv2dParams p, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight,
        Span<float> gradImage, Span<float> col, int threads)
    {
        int taps = p.C * p.KH * p.KW, positions = p.OH * p.OW;
        if (IsPointwise(p))
        {
            Sgemm.Multiply(true, false, taps, positions, p.O, 1f, weight, gradOutput, 0f, gradImage, threads);
            return;
        }
        Sgemm.Multiply(true, false, taps, positions, p.O, 1f, weight, gradOutput, 0f, col, threads);
        Col2Im.Fold(p, col, gradImage);
    }

    /// <summary>
    /// gradWeight (O, K) = gradOutput (O, OH·OW) · unfold(image)ᵀ + <paramref name="beta"/>·gradWeight:
    /// β = 0 starts a sum over samples, β = 1 adds this sample to it.
    /// </summary>
    public static void WeightGrad(Conv2dParams p, ReadOnlySpan<float> image, ReadOnlySpan<float> gradOutput,
        Span<float> gradWeight, float beta, int threads)
    {
        int taps = p.C * p.KH * p.KW, positions = p.OH * p.OW;
        ArgumentOutOfRangeException.ThrowIfLessThan(image.Length, p.C * p.H * p.W, nameof(image));
        fixed (float* pixels = image)
            Sgemm.Multiply(false, p.O, taps, positions, 1f, gradOutput, new ImageColumnsTransposed(p, pixels), beta, gradWeight, threads);
    }

    /// <summary>sums[o] += Σ over positions of gradOutput (O, OH·OW); summed in double so long batches keep precision.</summary>
    public static void AccumulateBiasGrad(Conv2dParams p, ReadOnlySpan<float> gradOutput, Span<double> sums)
    {
        int positions = p.OH * p.OW;
        for (int o = 0; o < p.O; o++) sums[o] += TensorPrimitives.Sum(gradOutput.Slice(o * positions, positions));
    }
}
