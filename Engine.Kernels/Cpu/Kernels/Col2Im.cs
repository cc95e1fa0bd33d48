using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// col2im: folds a column matrix (C·KH·KW, OH·OW) back onto its image (C, H, W), the adjoint of the
/// unfolding described in <c>ImageColumns.cs</c>: element (tap (c, kh, kw), position (oh, ow)) is added to
/// pixel (c, oh·SH − PH + kh, ow·SW − PW + kw), and taps that fell in the padding are dropped.
/// The fold runs into a zero-padded image (C, H + 2·PH, W + 2·PW), where every tap lands inside and a
/// stride-1 row of taps is one contiguous add, and the interior is then cropped out.
/// </summary>
internal static unsafe class Col2Im
{
    /// <summary>Floats of the padded scratch image <see cref="Fold"/> needs.</summary>
    public static int PaddedSize(Conv2dParams p) => p.C * (p.H + 2 * p.PH) * (p.W + 2 * p.PW);

    /// <summary>
    /// image (C, H, W) = the fold of <paramref name="col"/> (C·KH·KW, OH·OW), overwritten, using
    /// <see cref="PaddedSize"/> floats of <paramref name="padded"/> as scratch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fold(Conv2dParams p, ReadOnlySpan<float> col, Span<float> image, Span<float> padded)
    {
        int hp = p.H + 2 * p.PH, wp = p.W + 2 * p.PW, positions = p.OH * p.OW;
        ArgumentOutOfRangeException.ThrowIfLessThan(col.Length, p.C * p.KH * p.KW * positions, nameof(col));
        ArgumentOutOfRangeException.ThrowIfLessThan(padded.Length, PaddedSize(p), nameof(padded));
        ArgumentOutOfRangeException.ThrowIfLessThan(image.Length, p.C * p.H * p.W, nameof(image));
        padded[..PaddedSize(p)].Clear();
        fixed (float* cols = col, pad = padded)
        {
            float* src = cols;
            for (int c = 0; c < p.C; c++)
            for (int kh = 0; kh < p.KH; kh++)
            for (int kw = 0; kw < p.KW; kw++)
            {
                // Row (c, kh, kw) of col: position (oh, ow) lands on padded pixel (oh·SH + kh, ow·SW + kw).
                float* plane = pad + (long)c * hp * wp + kh * wp + kw;
                for (int oh = 0; oh < p.OH; oh++, src += p.OW)
                {
                    float* dst = plane + oh * p.SH * wp;
                    if (p.SW == 1) AddRow(dst, src, p.OW);
                    else for (int ow = 0; ow < p.OW; ow++) dst[ow * p.SW] += src[ow];
                }
            }
        }
        for (int c = 0; c < p.C; c++)
            for (int h = 0; h < p.H; h++)
                padded.Slice((c * hp + h + p.PH) * wp + p.PW, p.W).CopyTo(image.Slice((c * p.H + h) * p.W, p.W));
    }

    /// <summary>dst[i] += src[i] for i &lt; n: short rows, so inline vectors rather than a library call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(float* dst, float* src, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                Vector256.Store(Vector256.Load(dst + i) + Vector256.Load(src + i), dst + i);
        for (; i < n; i++) dst[i] += src[i];
    }
}
