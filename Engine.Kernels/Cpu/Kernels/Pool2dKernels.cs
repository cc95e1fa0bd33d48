using System.Runtime.CompilerServices;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// Max and average pooling over a run of whole planes: input (planes, H, W) ↔ output (planes, OH, OW).
/// Window (oh, ow) covers rows oh·SH − PH .. + KH and columns ow·SW − PW .. + KW, clipped to the image.
/// The rules follow PyTorch's CPU kernels exactly:
/// <list type="bullet">
/// <item>max: scanning the window row-major from −∞, a cell wins when it is greater than the best so far or
/// is NaN. So ties keep the first maximum, any NaN makes the result NaN (the last NaN wins the index), and
/// an all −∞ window picks its first cell. Padded cells are never looked at.</item>
/// <item>avg: 0 plus the in-image cells in row-major order, divided by KH·KW (padded zeros count in the
/// divisor; in floor mode no window reaches past the padding, so the divisor is always KH·KW).</item>
/// </list>
/// The common 2 × 2, stride-2, unpadded case (LeNet's) has branch-free vector paths (<see cref="PairsPath"/>).
/// </summary>
internal static unsafe class Pool2dKernels
{
    /// <summary>output (planes, OH, OW) from input (planes, H, W); the 2 × 2 stride-2 case on <paramref name="path"/> (the widest this CPU runs when null).</summary>
    public static void Forward(Pool2dParams p, ReadOnlySpan<float> input, Span<float> output, PairsPath? path = null)
    {
        int inPlane = p.H * p.W, outPlane = p.OH * p.OW, planes = output.Length / outPlane;
        ArgumentOutOfRangeException.ThrowIfLessThan(input.Length, planes * inPlane, nameof(input));
        bool max = p.Mode == PoolMode.Max;
        fixed (float* x = input, y = output)
            for (int i = 0; i < planes; i++)
            {
                float* src = x + (long)i * inPlane, dst = y + (long)i * outPlane;
                if (IsPairs(p)) Forward2x2(p, src, dst, max, path ?? PairsPaths.Best);
                else if (max) MaxForward(p, src, dst);
                else AvgForward(p, src, dst);
            }
    }

    /// <summary>
    /// gradInput (planes, H, W), overwritten, from gradOutput (planes, OH, OW): max sends each window's
    /// gradient to the cell it picked (re-found in <paramref name="input"/>), avg spreads it evenly;
    /// overlapping windows (stride &lt; kernel) add up. The 2 × 2 stride-2 case runs on <paramref name="path"/> (the widest this CPU runs when null).
    /// </summary>
    public static void Backward(Pool2dParams p, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradInput,
        PairsPath? path = null)
    {
        int inPlane = p.H * p.W, outPlane = p.OH * p.OW, planes = gradOutput.Length / outPlane;
        ArgumentOutOfRangeException.ThrowIfLessThan(input.Length, planes * inPlane, nameof(input));
        ArgumentOutOfRangeException.ThrowIfLessThan(gradInput.Length, planes * inPlane, nameof(gradInput));
        bool max = p.Mode == PoolMode.Max;
        fixed (float* x = input, gy = gradOutput, gx = gradInput)
            for (int i = 0; i < planes; i++)
            {
                float* src = x + (long)i * inPlane, g = gy + (long)i * outPlane, dst = gx + (long)i * inPlane;
                if (IsPairs(p))
                {
                    Backward2x2(p, src, g, dst, max, path ?? PairsPaths.Best);
                    continue;
                }
                new Span<float>(dst, inPlane).Clear();
                if (max) MaxBackward(p, src, g, dst);
                else AvgBackward(p, g, dst);
            }
    }

    private static bool IsPairs(Pool2dParams p) => p.KH == 2 && p.KW == 2 && p.SH == 2 && p.SW == 2 && p.PH == 0 && p.PW == 0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxForward(Pool2dParams p, float* x, float* y)
    {
        for (int oh = 0; oh < p.OH; oh++)
        {
            var (h0, h1) = Window(oh, p.SH, p.PH, p.KH, p.H);
            for (int ow = 0; ow < p.OW; ow++)
            {
                var (w0, w1) = Window(ow, p.SW, p.PW, p.KW, p.W);
                *y++ = x[ArgMax(x, p.W, h0, h1, w0, w1)];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxBackward(Pool2dParams p, float* x, float* gy, float* gx)
    {
        for (int oh = 0; oh < p.OH; oh++)
        {
            var (h0, h1) = Window(oh, p.SH, p.PH, p.KH, p.H);
            for (int ow = 0; ow < p.OW; ow++)
            {
                var (w0, w1) = Window(ow, p.SW, p.PW, p.KW, p.W);
                gx[ArgMax(x, p.W, h0, h1, w0, w1)] += *gy++;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AvgForward(Pool2dParams p, float* x, float* y)
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
                *y++ = sum / divisor;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AvgBackward(Pool2dParams p, float* gy, float* gx)
    {
        float divisor = p.KH * p.KW;
        for (int oh = 0; oh < p.OH; oh++)
        {
            var (h0, h1) = Window(oh, p.SH, p.PH, p.KH, p.H);
            for (int ow = 0; ow < p.OW; ow++)
            {
                var (w0, w1) = Window(ow, p.SW, p.PW, p.KW, p.W);
                float g = *gy++ / divisor;
                for (int h = h0; h < h1; h++)
                    for (int w = w0; w < w1; w++) gx[h * p.W + w] += g;
            }
        }
    }

    /// <summary>
    /// 2 × 2 windows, stride 2, no padding: window (oh, ow) is cells a, b (row 2·oh, columns 2·ow, 2·ow + 1)
    /// and c, d (row 2·oh + 1). Max starts from a, which equals starting from −∞ (a wins unless it is −∞).
    /// One output row at a time, on the vector path's row kernel.
    /// </summary>
    private static void Forward2x2(Pool2dParams p, float* x, float* y, bool max, PairsPath path)
    {
        for (int oh = 0; oh < p.OH; oh++, y += p.OW)
        {
            float* top = x + 2 * oh * p.W, bottom = top + p.W;
            switch (path)
            {
                case PairsPath.Avx512: Pool2dPairs<PairVector512>.ForwardRow(top, bottom, y, p.OW, max); break;
                case PairsPath.Avx2: Pool2dPairs<PairVector256>.ForwardRow(top, bottom, y, p.OW, max); break;
                default: ForwardRow(top, bottom, y, p.OW, max); break;
            }
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward2x2"/>: windows are disjoint, so every cell they cover is written once
    /// (the gradient or zero) and only a trailing odd row or column needs clearing.
    /// </summary>
    private static void Backward2x2(Pool2dParams p, float* x, float* gy, float* gx, bool max, PairsPath path)
    {
        for (int oh = 0; oh < p.OH; oh++, gy += p.OW)
        {
            float* top = x + 2 * oh * p.W, bottom = top + p.W;
            float* gTop = gx + 2 * oh * p.W, gBottom = gTop + p.W;
            switch (path)
            {
                case PairsPath.Avx512: Pool2dPairs<PairVector512>.BackwardRow(top, bottom, gy, gTop, gBottom, p.OW, max); break;
                case PairsPath.Avx2: Pool2dPairs<PairVector256>.BackwardRow(top, bottom, gy, gTop, gBottom, p.OW, max); break;
                default: BackwardRow(top, bottom, gy, gTop, gBottom, p.OW, max); break;
            }
            // An odd width leaves the last column outside every window.
            if ((p.W & 1) != 0)
            {
                gTop[p.W - 1] = 0f;
                gBottom[p.W - 1] = 0f;
            }
        }
        // An odd height leaves the last row outside every window.
        if ((p.H & 1) != 0) new Span<float>(gx + (p.H - 1) * p.W, p.W).Clear();
    }

    /// <summary>One output row of <paramref name="width"/> 2 × 2 windows over rows <paramref name="top"/> and <paramref name="bottom"/>, one window at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRow(float* top, float* bottom, float* y, int width, bool max)
    {
        for (int ow = 0; ow < width; ow++)
        {
            float a = top[2 * ow], b = top[2 * ow + 1], c = bottom[2 * ow], d = bottom[2 * ow + 1];
            if (max)
            {
                float r = Wins(b, a) ? b : a;
                r = Wins(c, r) ? c : r;
                y[ow] = Wins(d, r) ? d : r;
            }
            else
            {
                y[ow] = (0f + a + b + c + d) / 4f;
            }
        }
    }

    /// <summary>
    /// The gradient of <see cref="ForwardRow"/> into rows <paramref name="gTop"/> and <paramref name="gBottom"/>. The
    /// gradient is 0 + g, as PyTorch adds it into a zeroed gradInput (so −0 arrives as +0 there too).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardRow(float* top, float* bottom, float* gy, float* gTop, float* gBottom, int width, bool max)
    {
        for (int ow = 0; ow < width; ow++)
        {
            float g = 0f + gy[ow], ga, gb, gc, gd;
            if (max)
            {
                float a = top[2 * ow], b = top[2 * ow + 1], c = bottom[2 * ow], d = bottom[2 * ow + 1];
                int at = Wins(b, a) ? 1 : 0;
                float r = at == 1 ? b : a;
                if (Wins(c, r)) (at, r) = (2, c);
                if (Wins(d, r)) at = 3;
                (ga, gb, gc, gd) = (at == 0 ? g : 0f, at == 1 ? g : 0f, at == 2 ? g : 0f, at == 3 ? g : 0f);
            }
            else
            {
                ga = gb = gc = gd = 0f + gy[ow] / 4f;
            }
            gTop[2 * ow] = ga;
            gTop[2 * ow + 1] = gb;
            gBottom[2 * ow] = gc;
            gBottom[2 * ow + 1] = gd;
        }
    }

    /// <summary>Index in the plane (row stride <paramref name="width"/>) of the winning cell of rows [h0, h1) × columns [w0, w1).</summary>
    private static int ArgMax(float* x, int width, int h0, int h1, int w0, int w1)
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
