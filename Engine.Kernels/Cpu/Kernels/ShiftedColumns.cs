using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace ConvEngine.Kernels.Cpu.Kernels;

// Implicit im2col for stride-1 convolutions, over the image zero-padded to (C, Hp, Wp) = (C, H + 2·PH,
// W + 2·PW). Numbering output positions over the padded width, q = oh·Wp + ow, tap (c, kh, kw) reads
// padded[c·Hp·Wp + kh·Wp + kw + q] at every position: each row of the column matrix is one contiguous run
// of the padded image, so packing is plain copies (or, transposed, register transposes). The Wp − OW
// positions per output row with ow ≥ OW wrap around into the next row and are junk.

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
        var tap = new TapWalker(p0, kh, kw);
        for (int kk = 0; kk < kc; kk++, tap.Next())
        {
            // Depth step kk is one tap: one contiguous run of the padded image, cut into the panels.
            float* src = padded + tap.Offset(hp, wp) + j0, d = dst + kk * NR;
            for (int q = 0; q < panels - 1; q++, src += NR, d += kc * NR)
                StoredB.Copy32(src, d);
            if (last == NR) StoredB.Copy32(src, d);
            else StoredB.CopyPart(src, d, last);
        }
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
        // Where each of the panel's taps starts reading at depth p0.
        float** runs = stackalloc float*[NR];
        var tap = new TapWalker(j0, kh, kw);
        for (int j = 0; j < nr; j++, tap.Next()) runs[j] = padded + tap.Offset(hp, wp) + p0;
        if (Avx512F.IsSupported)
        {
            // Both 16-column halves, so columns past nr come out zero.
            for (int kk = 0; kk < kc; kk += 16)
                for (int j = 0; j < NR; j += 16)
                    Transpose16.Block(runs + j, Math.Clamp(nr - j, 0, 16), kk, dst + kk * NR + j, NR, 16, Math.Min(16, kc - kk));
        }
        else
        {
            if (nr < NR) new Span<float>(dst, kc * NR).Clear();
            for (int j = 0; j < nr; j++)
                for (int k = 0; k < kc; k++) dst[k * NR + j] = runs[j][k];
        }
        for (int k = 0, col = p0 % wp; k < kc; k++, col = col + 1 == wp ? 0 : col + 1)
            if (col >= ow) new Span<float>(dst + k * NR, NR).Clear();
    }
}
