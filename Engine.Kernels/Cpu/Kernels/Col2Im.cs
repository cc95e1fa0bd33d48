using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// col2im: folds a column matrix (C·KH·KW, OH·OW) back onto its image (C, H, W), the adjoint of the
/// unfolding described in <c>StridedColumns.cs</c>: element (tap (c, kh, kw), position (oh, ow)) is added to
/// pixel (c, oh·SH − PH + kh, ow·SW − PW + kw), and taps that fell in the padding are dropped.
/// The fold runs into a zero-padded image (C, H + 2·PH, W + 2·PW), where every tap lands inside (no bounds
/// checks), and the interior is then cropped out.
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
        int kh = p.KH, kw = p.KW, sh = p.SH, sw = p.SW, oh = p.OH, ow = p.OW;
        fixed (float* cols = col, pad = padded)
        {
            float* src = cols;
            for (int c = 0; c < p.C; c++)
            for (int y = 0; y < kh; y++, src += kw * oh * ow)
            {
                // Rows (c, y, 0 .. KW) of col: position (i, j) of row x lands on padded pixel (i·SH + y, j·SW + x).
                float* plane = pad + (long)c * hp * wp + y * wp;
                for (int i = 0; i < oh; i++)
                {
                    float* dst = plane + i * sh * wp;
                    if (sw == 1 && Avx512F.IsSupported)
                    {
                        AddShiftedRows(dst, src + i * ow, oh * ow, ow, kw);
                        continue;
                    }
                    for (int x = 0; x < kw; x++)
                    {
                        float* row = src + (x * oh + i) * ow;
                        for (int j = 0; j < ow; j++) dst[j * sw + x] += row[j];
                    }
                }
            }
        }
        for (int c = 0; c < p.C; c++)
            for (int h = 0; h < p.H; h++)
                padded.Slice((c * hp + h + p.PH) * wp + p.PW, p.W).CopyTo(image.Slice((c * p.H + h) * p.W, p.W));
    }

    /// <summary>
    /// dst[t] += Σ_x rows[x·stride + t − x] over x &lt; kw with 0 ≤ t − x &lt; n, for t &lt; n + kw − 1: the KW taps of
    /// one kernel row folded onto one padded image row. Each 16-wide chunk of dst is summed in a register
    /// (taps in order, as the scalar loop adds them) and stored once; adding tap by tap into memory instead
    /// would reload each chunk right after an overlapping store one float over, which stalls store forwarding.
    /// Masked-off lanes are never read, so rows may point before the data.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddShiftedRows(float* dst, float* rows, int stride, int n, int kw)
    {
        Vector512<int> lane = Vector512<int>.Indices;
        for (int t0 = 0, width = n + kw - 1; t0 < width; t0 += 16)
        {
            Vector512<float> inRow = Vector512.LessThan(lane, Vector512.Create(width - t0)).AsSingle();
            Vector512<float> sum = Avx512F.MaskLoad(dst + t0, inRow, Vector512<float>.Zero);
            for (int x = 0; x < kw; x++)
            {
                // Lane l reads rows[x·stride + t0 + l − x], inside the row when x − t0 ≤ l < n + x − t0.
                Vector512<float> valid = (Vector512.GreaterThanOrEqual(lane, Vector512.Create(x - t0)) &
                    Vector512.LessThan(lane, Vector512.Create(n + x - t0))).AsSingle();
                sum += Avx512F.MaskLoad(rows + (nint)x * stride + t0 - x, valid, Vector512<float>.Zero);
            }
            Avx512F.MaskStore(dst + t0, inRow, sum);
        }
    }
}
