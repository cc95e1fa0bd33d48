using System.Numerics.Tensors;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// col2im: folds a column matrix (C·KH·KW, OH·OW) back onto its image (C, H, W), the adjoint of the
/// unfolding described in <c>ImageColumns.cs</c>. Row (c·KH + kh)·KW + kw, column oh·OW + ow, belongs to
/// pixel (c, oh·SH − PH + kh, ow·SW − PW + kw), and taps that fell in the padding are dropped.
/// </summary>
internal static class Col2Im
{
    /// <summary>
    /// image (C, H, W) = the sum, over every tap of <paramref name="col"/> (C·KH·KW, OH·OW), of its value added
    /// back at the pixel it was read from (taps in the padding are dropped). <paramref name="image"/> is overwritten.
    /// </summary>
    public static void Fold(Conv2dParams p, ReadOnlySpan<float> col, Span<float> image)
    {
        image.Clear();
        int plane = p.OH * p.OW;
        for (int c = 0; c < p.C; c++)
        for (int kh = 0; kh < p.KH; kh++)
        for (int kw = 0; kw < p.KW; kw++)
        {
            Span<float> channel = image.Slice(c * p.H * p.W, p.H * p.W);
            ReadOnlySpan<float> row = col.Slice(((c * p.KH + kh) * p.KW + kw) * plane, plane);
            var (owLo, owHi) = ValidColumns(p, kw);
            if (owLo == owHi) continue;
            for (int oh = 0; oh < p.OH; oh++)
            {
                int ih = oh * p.SH - p.PH + kh;
                if ((uint)ih >= (uint)p.H) continue;
                ReadOnlySpan<float> src = row.Slice(oh * p.OW, p.OW);
                Span<float> dst = channel.Slice(ih * p.W);
                int iw = owLo * p.SW - p.PW + kw;
                if (p.SW == 1)
                {
                    Span<float> span = dst.Slice(iw, owHi - owLo);
                    TensorPrimitives.Add(span, src[owLo..owHi], span);
                }
                else
                {
                    for (int ow = owLo; ow < owHi; ow++, iw += p.SW) dst[iw] += src[ow];
                }
            }
        }
    }

    /// <summary>
    /// The output columns [lo, hi) whose tap <paramref name="kw"/> lands inside the image:
    /// 0 ≤ ow·SW − PW + kw &lt; W. Columns outside read padding.
    /// </summary>
    private static (int Lo, int Hi) ValidColumns(Conv2dParams p, int kw)
    {
        int first = p.PW - kw;                 // smallest ow·SW that lands on iw ≥ 0
        int lo = first <= 0 ? 0 : (first + p.SW - 1) / p.SW;
        int last = p.W - 1 + p.PW - kw;        // largest ow·SW that lands on iw ≤ W − 1
        int hi = last < 0 ? 0 : Math.Min(p.OW, last / p.SW + 1);
        lo = Math.Min(lo, p.OW);
        return (lo, Math.Max(lo, hi));
    }
}
