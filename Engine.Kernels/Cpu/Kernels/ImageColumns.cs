using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvEngine.Kernels.Cpu.Kernels;

// Implicit im2col: the column matrix of one image (C, H, W) is never stored; the GEMM's B panels are packed
// straight from the image. With K = C·KH·KW taps and P = OH·OW output positions, the column matrix is
// (K, P) with col[(c·KH + kh)·KW + kw, oh·OW + ow] = image[c, oh·SH − PH + kh, ow·SW − PW + kw], or 0 where
// that pixel lies in the padding. Skipping the stored matrix saves writing and re-reading K·P floats per
// sample (7 MB for a 64-channel 56 × 56 image with a 3 × 3 kernel).

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

/// <summary>
/// op(B) = the "wide" column matrix (K, OH·Wp) of a stride-1 convolution over an image already zero-padded
/// to (C, Hp, Wp), for the forward pass. Output positions are numbered q = oh·Wp + ow over the padded width,
/// so tap (c, kh, kw) reads padded[c·Hp·Wp + kh·Wp + kw + q]: every row of the matrix is one contiguous run
/// of the padded image and a panel row is a plain 32-float copy. The Wp − OW columns per output row with
/// ow ≥ OW are wrap-around junk the caller discards; reading them needs KW − 1 zeros after the padded image.
/// </summary>
internal readonly unsafe struct ShiftedColumns(float* padded, int hp, int wp, int kh, int kw) : IPanelSource
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pack(int p0, int kc, int j0, int j1, float* dst)
    {
        const int NR = Sgemm.NR;
        int panels = (j1 - j0 + NR - 1) / NR, last = j1 - j0 - (panels - 1) * NR;
        float* lastPanel = dst + (long)(panels - 1) * kc * NR;
        if (last < NR) new Span<float>(lastPanel, kc * NR).Clear();
        int c = p0 / (kh * kw), y = p0 / kw % kh, x = p0 % kw;
        for (int kk = 0; kk < kc; kk++)
        {
            // Depth step kk is tap (c, y, x): one contiguous run of the padded image, cut into the panels.
            float* src = padded + ((long)c * hp + y) * wp + x + j0, d = dst + kk * NR;
            for (int q = 0; q < panels - 1; q++, src += NR, d += kc * NR)
                StoredB.Copy32(src, d);
            if (last == NR) StoredB.Copy32(src, d);
            else for (int j = 0; j < last; j++) d[j] = src[j];
            if (++x == kw)
            {
                x = 0;
                if (++y == kh)
                {
                    y = 0;
                    c++;
                }
            }
        }
    }

    /// <inheritdoc/>
    public float* RowOffsets(int p0, int kc, nint* offsets)
    {
        int c = p0 / (kh * kw), y = p0 / kw % kh, x = p0 % kw;
        for (int kk = 0; kk < kc; kk++)
        {
            offsets[kk] = ((nint)c * hp + y) * wp + x;
            if (++x == kw)
            {
                x = 0;
                if (++y == kh)
                {
                    y = 0;
                    c++;
                }
            }
        }
        return padded;
    }
}

/// <summary>
/// op(B) = the transposed wide column matrix (OH·Wp, K) of a stride-1 convolution over a padded image (see
/// <see cref="ShiftedColumns"/>), for the weight gradient gradW = gradOut·colᵀ with gradOut widened to
/// (O, OH·Wp). Panel column j (tap t) is the contiguous run padded[offset(t) + q] over the depth positions q,
/// so a panel is a transpose of up to 32 such runs, done 16 × 16 at a time in registers with AVX-512.
/// Depth rows at junk positions (q mod Wp ≥ <paramref name="ow"/>) are packed as zeros, so the product never
/// sees the pixels only junk positions read (0 · ∞ would otherwise leak NaN).
/// </summary>
internal readonly unsafe struct ShiftedColumnsTransposed(float* padded, int hp, int wp, int kh, int kw, int ow) : IPanelSource
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
        if (nr < NR) new Span<float>(dst, kc * NR).Clear();
        // Where each of the panel's taps starts reading at depth p0.
        float** runs = stackalloc float*[NR];
        int c = j0 / (kh * kw), y = j0 / kw % kh, x = j0 % kw;
        for (int j = 0; j < nr; j++)
        {
            runs[j] = padded + ((long)c * hp + y) * wp + x + p0;
            if (++x == kw)
            {
                x = 0;
                if (++y == kh)
                {
                    y = 0;
                    c++;
                }
            }
        }
        int kk = 0;
        if (Avx512F.IsSupported)
            for (; kk + 16 <= kc; kk += 16)
                for (int j = 0; j < nr; j += 16)
                    Transpose16.Block(runs + j, Math.Min(16, nr - j), kk, dst + kk * NR + j, NR, 16);
        for (int j = 0; j < nr; j++)
        {
            float* src = runs[j];
            for (int k = kk; k < kc; k++) dst[k * NR + j] = src[k];
        }
        for (int k = 0, col = p0 % wp; k < kc; k++, col = col + 1 == wp ? 0 : col + 1)
            if (col >= ow) new Span<float>(dst + k * NR, NR).Clear();
    }

    /// <inheritdoc/>
    /// <remarks>Always null: its rows run across the taps, which are scattered in the image.</remarks>
    public float* RowOffsets(int p0, int kc, nint* offsets) => null;
}

/// <summary>op(B) = the column matrix (K, P) of one image, for the forward pass out = W·col of a strided convolution.</summary>
internal readonly unsafe struct ImageColumns(Conv2dParams p, float* image) : IPanelSource
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
        int H = p.H, W = p.W, KH = p.KH, KW = p.KW, SH = p.SH, SW = p.SW, PH = p.PH, PW = p.PW;
        if (nr < NR) new Span<float>(dst, kc * NR).Clear();
        // The panel's columns j0 .. j0 + nr are output positions; at most one run per column.
        Span<OutputRun> runs = stackalloc OutputRun[NR];
        runs = runs[..OutputRun.Split(j0, nr, p.OW, runs)];
        int c = p0 / (KH * KW), kh = p0 / KW % KH, kw = p0 % KW;
        for (int kk = 0; kk < kc; kk++)
        {
            // Depth step kk is tap (c, kh, kw): copy the pixel it meets at each position of the panel.
            float* plane = image + (long)c * H * W, d = dst + kk * NR;
            foreach (OutputRun run in runs)
            {
                int ih = run.Oh * SH - PH + kh, iw0 = run.Ow * SW - PW + kw;
                float* row = plane + ih * W, seg = d + run.At;
                if (SW == 1)
                {
                    // Positions [lo, hi) of the run read inside the image; the rest read padding.
                    bool inside = (uint)ih < (uint)H;
                    int lo = inside ? Math.Clamp(-iw0, 0, run.Len) : 0, hi = inside ? Math.Clamp(W - iw0, lo, run.Len) : 0;
                    CopyPadded(row + iw0, seg, lo, hi, run.Len);
                }
                else if ((uint)ih >= (uint)H)
                {
                    for (int i = 0; i < run.Len; i++) seg[i] = 0f;
                }
                else
                {
                    for (int i = 0, iw = iw0; i < run.Len; i++, iw += SW) seg[i] = (uint)iw < (uint)W ? row[iw] : 0f;
                }
            }
            if (++kw == KW)
            {
                kw = 0;
                if (++kh == KH)
                {
                    kh = 0;
                    c++;
                }
            }
        }
    }

    /// <summary>
    /// dst[i] = src[i] for lo ≤ i &lt; hi and 0 for the rest of i &lt; len (len ≤ 32, a run within one panel row).
    /// With AVX-512 this is two masked loads and stores; masked-off lanes are never read, so src may point
    /// before or past the image row where those lanes fall in the padding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPadded(float* src, float* dst, int lo, int hi, int len)
    {
        if (Avx512F.IsSupported)
        {
            Vector512<int> lane = Vector512<int>.Indices, vlo = Vector512.Create(lo), vhi = Vector512.Create(hi), vlen = Vector512.Create(len);
            for (int i = 0; i < len; i += 16, lane += Vector512.Create(16))
            {
                Vector512<float> read = (Vector512.GreaterThanOrEqual(lane, vlo) & Vector512.LessThan(lane, vhi)).AsSingle();
                Avx512F.MaskStore(dst + i, Vector512.LessThan(lane, vlen).AsSingle(), Avx512F.MaskLoad(src + i, read, Vector512<float>.Zero));
            }
            return;
        }
        int j = 0;
        for (; j < lo; j++) dst[j] = 0f;
        for (; j < hi; j++) dst[j] = src[j];
        for (; j < len; j++) dst[j] = 0f;
    }

    /// <inheritdoc/>
    /// <remarks>Always null: its rows are gathered around the padding and the stride.</remarks>
    public float* RowOffsets(int p0, int kc, nint* offsets) => null;
}

/// <summary>op(B) = the transposed column matrix (P, K) of one image, for the weight gradient gradW = gradOut·colᵀ.</summary>
internal readonly unsafe struct ImageColumnsTransposed(Conv2dParams p, float* image) : IPanelSource
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
        int H = p.H, W = p.W, KH = p.KH, KW = p.KW, SH = p.SH, SW = p.SW, PH = p.PH, PW = p.PW;
        if (nr < NR) new Span<float>(dst, kc * NR).Clear();
        // The depth steps p0 .. p0 + kc are output positions; at most one run per step.
        Span<OutputRun> runs = stackalloc OutputRun[kc];
        runs = runs[..OutputRun.Split(p0, kc, p.OW, runs)];
        int c = j0 / (KH * KW), kh = j0 / KW % KH, kw = j0 % KW;
        for (int j = 0; j < nr; j++)
        {
            // Panel column j is tap (c, kh, kw): walk its pixels in position order down the column.
            float* plane = image + (long)c * H * W, d = dst + j;
            foreach (OutputRun run in runs)
            {
                float* seg = d + run.At * NR;
                int ih = run.Oh * SH - PH + kh, iw0 = run.Ow * SW - PW + kw;
                if ((uint)ih >= (uint)H)
                {
                    for (int i = 0; i < run.Len; i++) seg[i * NR] = 0f;
                    continue;
                }
                float* row = plane + ih * W;
                if (SW == 1)
                {
                    int lo = Math.Clamp(-iw0, 0, run.Len), hi = Math.Clamp(W - iw0, lo, run.Len);
                    int i = 0;
                    for (; i < lo; i++) seg[i * NR] = 0f;
                    for (; i < hi; i++) seg[i * NR] = row[iw0 + i];
                    for (; i < run.Len; i++) seg[i * NR] = 0f;
                }
                else
                {
                    for (int i = 0, iw = iw0; i < run.Len; i++, iw += SW) seg[i * NR] = (uint)iw < (uint)W ? row[iw] : 0f;
                }
            }
            if (++kw == KW)
            {
                kw = 0;
                if (++kh == KH)
                {
                    kh = 0;
                    c++;
                }
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>Always null: its rows run across the taps, which are scattered in the image.</remarks>
    public float* RowOffsets(int p0, int kc, nint* offsets) => null;
}
