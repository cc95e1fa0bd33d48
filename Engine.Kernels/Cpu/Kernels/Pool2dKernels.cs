namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// Max and average pooling over a run of whole planes: input (planes, H, W) ↔ output (planes, OH, OW).
/// Window (oh, ow) covers rows oh·SH − PH .. + KH and columns ow·SW − PW .. + KW, clipped to the image.
/// The rules follow PyTorch's CPU kernels exactly:
/// <list type="bullet">
/// <item>max: scanning the window row-major from −∞, a cell wins when it is greater than the best so far or
/// is NaN. So ties keep the first maximum, any NaN makes the result NaN (the last NaN wins the index), and
/// an all −∞ window picks its first cell. Padded cells are never looked at.</item>
/// <item>avg: the sum of the in-image cells in row-major order, divided by KH·KW (padded zeros count in the
/// divisor; in floor mode no window reaches past the padding, so the divisor is always KH·KW).</item>
/// </list>
/// </summary>
internal static class Pool2dKernels
{
    /// <summary>output (planes, OH, OW) from input (planes, H, W).</summary>
    public static void Forward(Pool2dParams p, ReadOnlySpan<float> input, Span<float> output)
    {
        int inPlane = p.H * p.W, outPlane = p.OH * p.OW, planes = output.Length / outPlane;
        bool pairs = p.KH == 2 && p.KW == 2 && p.SH == 2 && p.SW == 2 && p.PH == 0 && p.PW == 0;
        for (int i = 0; i < planes; i++)
        {
            ReadOnlySpan<float> x = input.Slice(i * inPlane, inPlane);
            Span<float> y = output.Slice(i * outPlane, outPlane);
            if (p.Mode == PoolMode.Avg) AvgForward(p, x, y);
            else if (pairs) MaxForward2x2(p, x, y);
            else MaxForward(p, x, y);
        }
    }

    /// <summary>
    /// gradInput (planes, H, W), overwritten, from gradOutput (planes, OH, OW): max sends each window's
    /// gradient to the cell <see cref="ArgMax"/> re-finds in <paramref name="input"/>, avg spreads it evenly;
    /// overlapping windows (stride &lt; kernel) add up.
    /// </summary>
    public static void Backward(Pool2dParams p, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        int inPlane = p.H * p.W, outPlane = p.OH * p.OW, planes = gradOutput.Length / outPlane;
        gradInput[..(planes * inPlane)].Clear();
        for (int i = 0; i < planes; i++)
        {
            ReadOnlySpan<float> gy = gradOutput.Slice(i * outPlane, outPlane);
            Span<float> gx = gradInput.Slice(i * inPlane, inPlane);
            if (p.Mode == PoolMode.Avg)
                AvgBackward(p, gy, gx);
            else
                MaxBackward(p, input.Slice(i * inPlane, inPlane), gy, gx);
        }
    }

    private static void MaxForward(Pool2dParams p, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int oh = 0; oh < p.OH; oh++)
        {
            var (h0, h1) = Window(oh, p.SH, p.PH, p.KH, p.H);
            for (int ow = 0; ow < p.OW; ow++)
            {
                var (w0, w1) = Window(ow, p.SW, p.PW, p.KW, p.W);
                y[oh * p.OW + ow] = x[ArgMax(x, p.W, h0, h1, w0, w1)];
            }
        }
    }

    /// <summary>The common 2 × 2, stride-2, unpadded case: windows are disjoint pairs of row pairs, unrolled.</summary>
    private static void MaxForward2x2(Pool2dParams p, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int oh = 0; oh < p.OH; oh++)
        {
            ReadOnlySpan<float> top = x.Slice(2 * oh * p.W, p.W), bottom = x.Slice((2 * oh + 1) * p.W, p.W);
            Span<float> dst = y.Slice(oh * p.OW, p.OW);
            for (int ow = 0; ow < dst.Length; ow++)
            {
                // Starting from the first cell equals starting from −∞: it wins unless it is −∞ itself.
                float best = top[2 * ow];
                best = Wins(top[2 * ow + 1], best) ? top[2 * ow + 1] : best;
                best = Wins(bottom[2 * ow], best) ? bottom[2 * ow] : best;
                best = Wins(bottom[2 * ow + 1], best) ? bottom[2 * ow + 1] : best;
                dst[ow] = best;
            }
        }
    }

    private static void MaxBackward(Pool2dParams p, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gx)
    {
        for (int oh = 0; oh < p.OH; oh++)
        {
            var (h0, h1) = Window(oh, p.SH, p.PH, p.KH, p.H);
            for (int ow = 0; ow < p.OW; ow++)
            {
                var (w0, w1) = Window(ow, p.SW, p.PW, p.KW, p.W);
                gx[ArgMax(x, p.W, h0, h1, w0, w1)] += gy[oh * p.OW + ow];
            }
        }
    }

    private static void AvgForward(Pool2dParams p, ReadOnlySpan<float> x, Span<float> y)
    {
        float divisor = p.KH * p.KW;
        for (int oh = 0; oh < p.OH; oh++)
        {
            var (h0, h1) = Window(oh, p.SH, p.PH, p.KH, p.H);
            for (int ow = 0; ow < p.OW; ow++)
            {
                var (w0, w1) = Window(ow, p.SW, p.PW, p.KW, p.W);
                float sum = 0f;
                for (int h = h0; h < h1; h++)
                    for (int w = w0; w < w1; w++) sum += x[h * p.W + w];
                y[oh * p.OW + ow] = sum / divisor;
            }
        }
    }

    private static void AvgBackward(Pool2dParams p, ReadOnlySpan<float> gy, Span<float> gx)
    {
        float divisor = p.KH * p.KW;
        for (int oh = 0; oh < p.OH; oh++)
        {
            var (h0, h1) = Window(oh, p.SH, p.PH, p.KH, p.H);
            for (int ow = 0; ow < p.OW; ow++)
            {
                var (w0, w1) = Window(ow, p.SW, p.PW, p.KW, p.W);
                float g = gy[oh * p.OW + ow] / divisor;
                for (int h = h0; h < h1; h++)
                    for (int w = w0; w < w1; w++) gx[h * p.W + w] += g;
            }
        }
    }

    /// <summary>Index in the plane (row stride <paramref name="width"/>) of the winning cell of rows [h0, h1) × columns [w0, w1).</summary>
    private static int ArgMax(ReadOnlySpan<float> x, int width, int h0, int h1, int w0, int w1)
    {
        int bestAt = h0 * width + w0;
        float best = float.NegativeInfinity;
        for (int h = h0; h < h1; h++)
            for (int i = h * width + w0, end = h * width + w1; i < end; i++)
                if (Wins(x[i], best))
                {
                    best = x[i];
                    bestAt = i;
                }
        return bestAt;
    }

    /// <summary>PyTorch's max-pool update rule: greater than the best so far, or NaN.</summary>
    private static bool Wins(float value, float best) => value > best || float.IsNaN(value);

    /// <summary>The in-image extent [start, end) of window <paramref name="o"/> along one axis.</summary>
    private static (int Start, int End) Window(int o, int stride, int pad, int kernel, int size)
    {
        int start = o * stride - pad;
        return (Math.Max(start, 0), Math.Min(start + kernel, size));
    }
}
