using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// One sample's share of each convolution pass as a matrix product. With K = C·KH·KW taps and
/// P = OH·OW output positions, the weight (O, C, KH, KW) is the matrix (O, K), an output sample
/// (O, OH, OW) is (O, P), and the image unfolds into the column matrix col (K, P), so forward is
/// out = W·col and backward-weight is gradW += gradOut·colᵀ, both packing col straight from a zero-padded
/// copy of the image (<see cref="ShiftedColumns"/> for stride 1, else <see cref="StridedColumns"/>). Backward-input
/// is, for stride 1 and enough input channels, itself a forward convolution (<see cref="TransposedForward"/>),
/// and otherwise col' = Wᵀ·gradOut folded back onto the image (<see cref="Col2Im"/>).
/// </summary>
internal static unsafe class Conv2dKernels
{
    /// <summary>Stride-1 convolutions number positions over the padded width (<see cref="ShiftedColumns"/>).</summary>
    private static bool IsShifted(Conv2dParams p) => p.SH == 1 && p.SW == 1;

    /// <summary>Floats in the zero-padded image (C, H + 2·PH, W + 2·PW) plus the KW − 1 zeros <see cref="ShiftedColumns"/> reads past it.</summary>
    private static int PaddedSize(Conv2dParams p) => p.C * (p.H + 2 * p.PH) * (p.W + 2 * p.PW) + p.KW - 1;

    /// <summary>Floats of wide rows (O, OH·Wp) a stride-1 pass keeps beside the padded image.</summary>
    private static int WideSize(Conv2dParams p) => IsShifted(p) ? p.O * p.OH * (p.W + 2 * p.PW) : 0;

    /// <summary>Floats of scratch <see cref="Forward"/> needs per sample: the padded image and, for stride 1, the wide output (O, OH·Wp).</summary>
    public static int ForwardScratch(Conv2dParams p) => PaddedSize(p) + WideSize(p);

    /// <summary>
    /// output (O, OH, OW) = weight (O, K) · unfold(image (C, H, W)) + bias (O, or empty for none), with
    /// <see cref="ForwardScratch"/> floats of <paramref name="scratch"/>.
    /// </summary>
    public static void Forward(Conv2dParams p, ReadOnlySpan<float> image, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> output, Span<float> scratch, int threads)
    {
        int taps = p.C * p.KH * p.KW, positions = p.OH * p.OW;
        ArgumentOutOfRangeException.ThrowIfLessThan(image.Length, p.C * p.H * p.W, nameof(image));
        if (IsShifted(p))
        {
            ForwardShifted(p, image, weight, bias, output, scratch, threads);
            return;
        }
        // The bias enters as the initial C of the product (β = 1), saving a separate pass over the output.
        float beta = 0f;
        if (!bias.IsEmpty)
        {
            for (int o = 0; o < p.O; o++) output.Slice(o * positions, positions).Fill(bias[o]);
            beta = 1f;
        }
        Span<float> padded = scratch[..PaddedSize(p)];
        Pad(p, image, padded);
        fixed (float* pixels = padded)
            Sgemm.Multiply(false, p.O, positions, taps, 1f, weight, new StridedColumns(p, pixels), beta, output, threads);
    }

    /// <summary>
    /// Stride-1 forward: pad the image once, multiply by the wide column matrix into (O, OH, Wp), then keep
    /// the first OW columns of each output row, adding the bias on the way.
    /// </summary>
    private static void ForwardShifted(Conv2dParams p, ReadOnlySpan<float> image, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> output, Span<float> scratch, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(output.Length, p.O * p.OH * p.OW, nameof(output));
        int hp = p.H + 2 * p.PH, wp = p.W + 2 * p.PW, wide = p.OH * wp;
        Span<float> padded = scratch[..PaddedSize(p)], result = scratch.Slice(padded.Length, p.O * wide);
        Pad(p, image, padded);
        fixed (float* pixels = padded)
            Sgemm.Multiply(false, p.O, wide, p.C * p.KH * p.KW, 1f, weight, new ShiftedColumns(pixels, hp, wp, p.KH, p.KW), 0f, result, threads);
        fixed (float* wideRows = result, outRows = output)
            for (int o = 0; o < p.O; o++)
            {
                float add = bias.IsEmpty ? 0f : bias[o];
                for (int oh = 0; oh < p.OH; oh++)
                {
                    float* src = wideRows + o * wide + oh * wp, dst = outRows + (o * p.OH + oh) * p.OW;
                    if (bias.IsEmpty) new ReadOnlySpan<float>(src, p.OW).CopyTo(new Span<float>(dst, p.OW));
                    else AddScalar(src, add, dst, p.OW);
                }
            }
    }

    /// <summary>dst[i] = src[i] + value for i &lt; n: short output rows, so inline vectors rather than a library call.</summary>
    private static void AddScalar(float* src, float value, float* dst, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> v = Vector256.Create(value);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                Vector256.Store(Vector256.Load(src + i) + v, dst + i);
        }
        for (; i < n; i++) dst[i] = src[i] + value;
    }

    /// <summary>
    /// For stride 1 (and padding below the kernel size), backward-input is the "full" correlation: gradOut
    /// (O, OH, OW) zero-padded by (KH − 1 − PH, KW − 1 − PW) and convolved at stride 1 with the weight turned
    /// 180° and transposed to (C, O, KH, KW) (<see cref="FlipWeight"/>) gives gradImage (C, H, W), so it runs
    /// through <see cref="Forward"/> with these per-sample parameters, never storing a column matrix. Its
    /// product has only C rows, so with few input channels (LeNet's 1 or 6) most of each 6- or 12-row
    /// micro-tile would be padding; then the fold path, whose product has C·KH·KW rows, is cheaper, and this
    /// returns null, as it does when the rewrite does not apply.
    /// </summary>
    public static Conv2dParams? TransposedForward(Conv2dParams p) => p.C >= 8 ? Transposed(p) : null;

    /// <summary>
    /// The per-sample forward problem whose output is p's gradInput (see <see cref="TransposedForward"/>): input
    /// gradOut (N, O, OH, OW) padded by (KH − 1 − PH, KW − 1 − PW), weight (C, O, KH, KW); null unless stride 1
    /// and padding below the kernel size (or without input channels, whose gradient is empty).
    /// </summary>
    public static Conv2dParams? Transposed(Conv2dParams p) =>
        IsShifted(p) && p.PH < p.KH && p.PW < p.KW && p.C > 0
            ? Conv2dParams.Create([p.N, p.O, p.OH, p.OW], [p.C, p.O, p.KH, p.KW], null, (1, 1), (p.KH - 1 - p.PH, p.KW - 1 - p.PW))
            : null;

    /// <summary>flipped (C, O, KH, KW)[c, o, kh, kw] = weight (O, C, KH, KW)[o, c, KH − 1 − kh, KW − 1 − kw].</summary>
    public static void FlipWeight(Conv2dParams p, ReadOnlySpan<float> weight, Span<float> flipped)
    {
        int taps = p.KH * p.KW;
        for (int o = 0; o < p.O; o++)
            for (int c = 0; c < p.C; c++)
            {
                ReadOnlySpan<float> src = weight.Slice((o * p.C + c) * taps, taps);
                Span<float> dst = flipped.Slice((c * p.O + o) * taps, taps);
                for (int t = 0; t < taps; t++) dst[t] = src[taps - 1 - t];
            }
    }

    /// <summary>
    /// Floats of scratch <see cref="BackwardInput"/> needs per sample: the column matrix (C·KH·KW, OH·OW) and
    /// the padded image it folds into.
    /// </summary>
    public static int BackwardInputScratch(Conv2dParams p) => p.C * p.KH * p.KW * p.OH * p.OW + Col2Im.PaddedSize(p);

    /// <summary>
    /// gradImage (C, H, W) = fold(weightᵀ (K, O) · gradOutput (O, OH·OW)), overwritten, with
    /// <see cref="BackwardInputScratch"/> floats of <paramref name="scratch"/>: the general path, for strided
    /// convolutions that <see cref="TransposedForward"/> does not cover.
    /// </summary>
    public static void BackwardInput(Conv2dParams p, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight,
        Span<float> gradImage, Span<float> scratch, int threads)
    {
        int taps = p.C * p.KH * p.KW, positions = p.OH * p.OW;
        Span<float> col = scratch[..(taps * positions)];
        Sgemm.Multiply(true, false, taps, positions, p.O, 1f, weight, gradOutput, 0f, col, threads);
        Col2Im.Fold(p, col, gradImage, scratch[col.Length..]);
    }

    /// <summary>
    /// Floats of scratch <see cref="WeightGrad"/> needs per sample: the padded image and, for stride 1, the
    /// widened gradient (O, OH·Wp).
    /// </summary>
    public static int WeightGradScratch(Conv2dParams p) => PaddedSize(p) + WideSize(p);

    /// <summary>
    /// gradWeight (O, K) = gradOutput (O, OH·OW) · unfold(image)ᵀ + <paramref name="beta"/>·gradWeight:
    /// β = 0 starts a sum over samples, β = 1 adds this sample to it. Uses <see cref="WeightGradScratch"/>
    /// floats of <paramref name="scratch"/>.
    /// </summary>
    public static void WeightGrad(Conv2dParams p, ReadOnlySpan<float> image, ReadOnlySpan<float> gradOutput,
        Span<float> gradWeight, float beta, Span<float> scratch, int threads)
    {
        int taps = p.C * p.KH * p.KW, positions = p.OH * p.OW;
        ArgumentOutOfRangeException.ThrowIfLessThan(image.Length, p.C * p.H * p.W, nameof(image));
        Span<float> padded = scratch[..PaddedSize(p)];
        Pad(p, image, padded);
        if (!IsShifted(p))
        {
            fixed (float* pixels = padded)
                Sgemm.Multiply(false, p.O, taps, positions, 1f, gradOutput, new StridedColumnsTransposed(p, pixels), beta, gradWeight, threads);
            return;
        }
        // Stride 1: the depth runs over wide positions oh·Wp + ow, so gradOut gets zero junk columns.
        int hp = p.H + 2 * p.PH, wp = p.W + 2 * p.PW, wide = p.OH * wp;
        Span<float> gradWide = scratch.Slice(padded.Length, p.O * wide);
        for (int row = 0; row < p.O * p.OH; row++)
        {
            gradOutput.Slice(row * p.OW, p.OW).CopyTo(gradWide.Slice(row * wp));
            gradWide.Slice(row * wp + p.OW, wp - p.OW).Clear();
        }
        fixed (float* pixels = padded)
            Sgemm.Multiply(false, p.O, taps, wide, 1f, gradWide, new ShiftedColumnsTransposed(pixels, hp, wp, p.KH, p.KW, p.OW), beta, gradWeight, threads);
    }

    /// <summary>
    /// padded (C, H + 2·PH, W + 2·PW) followed by zeros to the span's end (the slack a kernel reads past the
    /// image) = the image with zero borders.
    /// </summary>
    public static void Pad(Conv2dParams p, ReadOnlySpan<float> image, Span<float> padded)
    {
        int hp = p.H + 2 * p.PH, wp = p.W + 2 * p.PW;
        padded.Clear();
        for (int c = 0; c < p.C; c++)
            for (int h = 0; h < p.H; h++)
                image.Slice((c * p.H + h) * p.W, p.W).CopyTo(padded.Slice((c * hp + h + p.PH) * wp + p.PW));
    }

    /// <summary>sums[o] += Σ over positions of gradOutput (O, OH·OW); summed in double so long batches keep precision.</summary>
    public static void AccumulateBiasGrad(Conv2dParams p, ReadOnlySpan<float> gradOutput, Span<double> sums)
    {
        int positions = p.OH * p.OW;
        for (int o = 0; o < p.O; o++) sums[o] += TensorPrimitives.Sum(gradOutput.Slice(o * positions, positions));
    }
}
