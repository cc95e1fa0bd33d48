using System.Runtime.CompilerServices;

namespace ConvEngine.Kernels.Cpu.Kernels;

// Implicit im2col for any stride, over the image zero-padded to (C, Hp, Wp) = (C, H + 2·PH, W + 2·PW), where
// every tap lands inside: with K = C·KH·KW taps and P = OH·OW output positions, the column matrix is (K, P)
// with col[(c·KH + kh)·KW + kw, oh·OW + ow] = padded[c, oh·SH + kh, ow·SW + kw]. Positions are walked in
// runs along one output row (OutputRun), whose pixels sit SW apart in one padded row. Stride-1
// convolutions use the cheaper ShiftedColumns instead.

/// <summary>A run of consecutive output positions along one output row: <see cref="Len"/> positions from
/// (<see cref="Oh"/>, <see cref="Ow"/>), at offset <see cref="At"/> within the panel.</summary>
internal readonly record struct OutputRun(int At, int Oh, int Ow, int Len)
{
    /// <summary>Cuts positions [q0, q0 + count) into runs that each stay on one output row of width <paramref name="ow"/>.</summary>
    public static int Split(int q0, int count, int ow, Span<OutputRun> runs)
    {
        int n = 0;
        for (int at = 0, q = q0; at < count;)
        {
            int oh = q / ow, col = q - oh * ow, len = Math.Min(ow - col, count - at);
            runs[n++] = new OutputRun(at, oh, col, len);
            at += len;
            q += len;
        }
        return n;
    }
}

/// <summary>op(B) = the column matrix (K, P), for the forward pass out = W·col.</summary>
internal readonly unsafe struct StridedColumns(Conv2dParams p, float* padded) : IPanelSource
{
    /// <inheritdoc/>
    public void Pack(int p0, int kc, int j0, int j1, float* dst)
    {
        for (int j = j0; j < j1; j += Sgemm.NR, dst += kc * Sgemm.NR) PackPanel(p0, kc, j, Math.Min(Sgemm.NR, j1 - j), dst);
    }

    /// <summary>One panel: columns j0 .. j0 + nr of the block, the rest of its NR columns zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    private void PackPanel(int p0, int kc, int j0, int nr, float* dst)
    {
        const int NR = Sgemm.NR;
        int hp = p.H + 2 * p.PH, wp = p.W + 2 * p.PW, sh = p.SH, sw = p.SW;
        if (nr < NR) new Span<float>(dst, kc * NR).Clear();
        // The panel's columns j0 .. j0 + nr are output positions; at most one run per column.
        Span<OutputRun> runs = stackalloc OutputRun[NR];
        runs = runs[..OutputRun.Split(j0, nr, p.OW, runs)];
        var tap = new TapWalker(p0, p.KH, p.KW);
        for (int kk = 0; kk < kc; kk++, tap.Next())
        {
            // Depth step kk is one tap: the pixel it meets at each position of the panel.
            float* window = padded + tap.Offset(hp, wp), d = dst + kk * NR;
            foreach (OutputRun run in runs)
            {
                float* src = window + (nint)run.Oh * sh * wp + run.Ow * sw, seg = d + run.At;
                if (sw == 1) StoredB.CopyPart(src, seg, run.Len);
                else for (int i = 0; i < run.Len; i++) seg[i] = src[i * sw];
            }
        }
    }
}

/// <summary>op(B) = the transposed column matrix (P, K), for the weight gradient gradW = gradOut·colᵀ.</summary>
internal readonly unsafe struct StridedColumnsTransposed(Conv2dParams p, float* padded) : IPanelSource
{
    /// <inheritdoc/>
    public void Pack(int p0, int kc, int j0, int j1, float* dst)
    {
        for (int j = j0; j < j1; j += Sgemm.NR, dst += kc * Sgemm.NR) PackPanel(p0, kc, j, Math.Min(Sgemm.NR, j1 - j), dst);
    }

    /// <summary>One panel: columns j0 .. j0 + nr of the block, the rest of its NR columns zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    private void PackPanel(int p0, int kc, int j0, int nr, float* dst)
    {
        const int NR = Sgemm.NR;
        int hp = p.H + 2 * p.PH, wp = p.W + 2 * p.PW, sh = p.SH, sw = p.SW;
        if (nr < NR) new Span<float>(dst, kc * NR).Clear();
        // The depth steps p0 .. p0 + kc are output positions; at most one run per step.
        Span<OutputRun> runs = stackalloc OutputRun[kc];
        runs = runs[..OutputRun.Split(p0, kc, p.OW, runs)];
        var tap = new TapWalker(j0, p.KH, p.KW);
        for (int j = 0; j < nr; j++, tap.Next())
        {
            // Panel column j is one tap: its pixels in position order, down the column.
            float* window = padded + tap.Offset(hp, wp), d = dst + j;
            foreach (OutputRun run in runs)
            {
                float* src = window + (nint)run.Oh * sh * wp + run.Ow * sw, seg = d + run.At * NR;
                for (int i = 0; i < run.Len; i++) seg[i * NR] = src[i * sw];
            }
        }
    }
}
