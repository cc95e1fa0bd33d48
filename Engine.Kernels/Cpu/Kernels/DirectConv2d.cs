using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// Stride-1 convolution straight from the zero-padded image (C, Hp, Wp) with AVX-512, no column matrix and
/// no packing. Output positions go 16 at a time along an output row ("position vectors": a row of OW = 28 is
/// two, the second with 12 live lanes). For tap t = (c, kh, kw) the 16 inputs of the position vector at
/// (oh, ow0) are the contiguous run padded[off(t) + oh·Wp + ow0 ..], off(t) = (c·Hp + kh)·Wp + kw, so each
/// multiply-add needs one plain load. Register tiles of 24 zmm accumulators:
/// <list type="bullet">
/// <item>output (forward, and backward-input as the forward pass of the transposed problem): 6 output
/// channels × 4 position vectors, or 8 × 3 when there are more than 6 channels. Per tap: 3–4 loads, 6–8
/// weight broadcasts, 24 FMAs.</item>
/// <item>weight gradient: 6 output channels × 4 taps, summed over the position vectors of a group of samples
/// with dead lanes masked to zero, then across lanes.</item>
/// </list>
/// LeNet's channel counts (1→6, 6→16) are too small for a matrix product to fill its micro-tiles, which is
/// why this beats packing a column matrix there.
/// </summary>
internal static unsafe class DirectConv2d
{
    private const int Lanes = 16;

    /// <summary>
    /// Whether the direct kernels handle <paramref name="p"/>: AVX-512, stride 1, and a padded image small enough
    /// (128 KB) for every tap's reads to stay in the core's cache; larger layers go through the packed GEMM,
    /// which blocks for the cache.
    /// </summary>
    public static bool Applies(Conv2dParams p) =>
        Avx512F.IsSupported && p.SH == 1 && p.SW == 1 && PaddedFloats(p) <= 32 * 1024 + Lanes;

    /// <summary>Floats of one padded image (C, Hp, Wp) with the slack position vectors read past it (see <see cref="Plan"/>).</summary>
    private static long PaddedFloats(Conv2dParams p) => (long)p.C * (p.H + 2 * p.PH) * (p.W + 2 * p.PW) + Lanes;

    /// <summary>
    /// Whether the weight gradient should go this way: every register tile sweeps a group of samples' padded
    /// images and gradients, which must stay in the core's cache, so small images only (LeNet's layers take
    /// 23 KB and 11 KB per sample; a 64-channel 56 × 56 layer would take 1.7 MB and goes through the GEMM).
    /// </summary>
    public static bool AppliesToWeightGrad(Conv2dParams p) =>
        Applies(p) && PaddedFloats(p) + p.O * p.OH * p.OW <= SweepFloats / 8;

    /// <summary>How many samples one sweep of the output tiles covers: their padded images fill a quarter of <see cref="SweepFloats"/>.</summary>
    public static int ForwardSweepSamples(Plan plan) => Math.Max(1, SweepFloats / 4 / plan.PaddedSize);

    /// <summary>Floats of padded images and gradients one sweep of the weight-gradient tiles covers (1 MB, an L2 cache).</summary>
    private const int SweepFloats = 256 * 1024;

    /// <summary>How many samples one sweep of the weight-gradient tiles covers.</summary>
    public static int SweepSamples(Conv2dParams p, Plan plan) =>
        Math.Max(1, SweepFloats / (plan.PaddedSize + p.O * p.OH * p.OW));

    private static int RoundUp(int n, int m) => (n + m - 1) / m * m;

    /// <summary>Where every tap and every position vector of one convolution reads and writes; shared by all samples.</summary>
    public sealed class Plan
    {
        public Plan(Conv2dParams p)
        {
            int hp = p.H + 2 * p.PH, wp = p.W + 2 * p.PW;
            OutPlane = p.OH * p.OW;
            TapOffsets = new int[p.C * p.KH * p.KW];
            var tap = new TapWalker(0, p.KH, p.KW);
            for (int t = 0; t < TapOffsets.Length; t++, tap.Next()) TapOffsets[t] = (int)tap.Offset(hp, wp);
            int perRow = (p.OW + Lanes - 1) / Lanes;
            InBase = new int[p.OH * perRow];
            OutBase = new int[InBase.Length];
            Live = new int[InBase.Length];
            for (int oh = 0, j = 0; oh < p.OH; oh++)
                for (int ow0 = 0; ow0 < p.OW; ow0 += Lanes, j++)
                    (InBase[j], OutBase[j], Live[j]) = (oh * wp + ow0, oh * p.OW + ow0, Math.Min(Lanes, p.OW - ow0));
            // A position vector's dead lanes read up to 15 floats past the last live input (see the class summary).
            PaddedSize = (int)PaddedFloats(p);
        }

        /// <summary>Floats of one output channel, OH·OW.</summary>
        public int OutPlane { get; }

        /// <summary>Floats of scratch the padded image takes, with the slack the last vectors read.</summary>
        public int PaddedSize { get; }

        /// <summary>off(t) for every tap t = (c·KH + kh)·KW + kw.</summary>
        public int[] TapOffsets { get; }

        /// <summary>Per position vector: where it starts in the padded image and in an output plane, and its live lanes.</summary>
        public int[] InBase { get; }

        /// <inheritdoc cref="InBase"/>
        public int[] OutBase { get; }

        /// <inheritdoc cref="InBase"/>
        public int[] Live { get; }
    }

    /// <summary>Lanes below <paramref name="live"/> set, as a float mask for masked loads and stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Mask(int live) => Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(live)).AsSingle();

    /// <summary>Output channels per register tile for <paramref name="channels"/> outputs: 6 (× 4 position vectors) or 8 (× 3).</summary>
    public static int ChannelBlock(int channels) => channels <= 6 ? 6 : 8;

    /// <summary>
    /// weightT (taps, ldw) with weightT[t, o] = weight (O, taps)[o, t] and zero columns up to
    /// ldw = O rounded up to <see cref="ChannelBlock"/>, so a tile's broadcasts are adjacent floats.
    /// </summary>
    public static float[] TransposeWeight(ReadOnlySpan<float> weight, int outChannels, int taps)
    {
        int ldw = RoundUp(outChannels, ChannelBlock(outChannels));
        var t = new float[taps * ldw];
        for (int o = 0; o < outChannels; o++)
            for (int k = 0; k < taps; k++) t[k * ldw + o] = weight[o * taps + k];
        return t;
    }

    /// <summary>
    /// output (samples, O, OH, OW) = weight ⋆ padded + bias, overwritten, for <paramref name="samples"/> padded
    /// images <see cref="Plan.PaddedSize"/> apart; <paramref name="weightT"/> from <see cref="TransposeWeight"/>,
    /// <paramref name="bias"/> null for none. The tiles run over the position vectors of all the samples as
    /// one list, so a sample's last few vectors share a tile with the next sample's first.
    /// </summary>
    public static void Forward(Plan plan, int outChannels, int samples, float* padded, float* weightT, float* bias, float* output)
    {
        int taps = plan.TapOffsets.Length, block = ChannelBlock(outChannels), ldw = RoundUp(outChannels, block);
        using var sweep = new Sweep(plan, outChannels, samples);
        int vectors = sweep.Vectors;
        fixed (int* offsets = plan.TapOffsets, inBase = sweep.InBase, outBase = sweep.OutBase, live = sweep.Live)
            for (int o0 = 0; o0 < outChannels; o0 += block)
            {
                var store = new OutputStore(output, plan.OutPlane, outBase, live, bias, o0, Math.Min(block, outChannels - o0));
                if (block == 6)
                    for (int j = 0; j < vectors; j += 4)
                        Tile6x4(inBase, j, Math.Min(4, vectors - j), padded, offsets, taps, weightT + o0, ldw, store);
                else
                    for (int j = 0; j < vectors; j += 3)
                        Tile8x3(inBase, j, Math.Min(3, vectors - j), padded, offsets, taps, weightT + o0, ldw, store);
            }
    }

    /// <summary>
    /// The position vectors of a group of samples as one list: where each starts in the samples' padded images
    /// (<see cref="Plan.PaddedSize"/> apart) and in their outputs (O·OH·OW apart), and its live lanes.
    /// </summary>
    private readonly struct Sweep : IDisposable
    {
        public Sweep(Plan plan, int outChannels, int samples)
        {
            int perSample = plan.InBase.Length;
            Vectors = samples * perSample;
            (InBase, OutBase, Live) = (ArrayPool<int>.Shared.Rent(Vectors), ArrayPool<int>.Shared.Rent(Vectors), ArrayPool<int>.Shared.Rent(Vectors));
            for (int n = 0, v = 0; n < samples; n++)
                for (int j = 0; j < perSample; j++, v++)
                    (InBase[v], OutBase[v], Live[v]) = (n * plan.PaddedSize + plan.InBase[j], n * outChannels * plan.OutPlane + plan.OutBase[j], plan.Live[j]);
        }

        public int Vectors { get; }
        public int[] InBase { get; }
        public int[] OutBase { get; }
        public int[] Live { get; }

        public void Dispose()
        {
            ArrayPool<int>.Shared.Return(InBase);
            ArrayPool<int>.Shared.Return(OutBase);
            ArrayPool<int>.Shared.Return(Live);
        }
    }

    /// <summary>Writes accumulators of output channels o0 .. o0 + rows, position vectors j .., adding the bias.</summary>
    private readonly ref struct OutputStore(float* output, int plane, int* outBase, int* live, float* bias, int o0, int rows)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Put(int m, int j, int v, int count, Vector512<float> acc)
        {
            if (m >= rows || v >= count) return;
            int o = o0 + m;
            if (bias is not null) acc += Vector512.Create(bias[o]);
            Avx512F.MaskStore(output + (nint)o * plane + outBase[j + v], Mask(live[j + v]), acc);
        }
    }

    /// <summary>6 output channels × position vectors j .. j + count (count ≤ 4; missing ones repeat the first and are not stored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6x4(int* inBase, int j, int count, float* padded, int* offsets, int taps, float* w, int ldw, in OutputStore store)
    {
        float* x0 = padded + inBase[j];
        float* x1 = count > 1 ? padded + inBase[j + 1] : x0;
        float* x2 = count > 2 ? padded + inBase[j + 2] : x0;
        float* x3 = count > 3 ? padded + inBase[j + 3] : x0;
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default,
            c12 = default, c13 = default, c20 = default, c21 = default, c22 = default, c23 = default,
            c30 = default, c31 = default, c32 = default, c33 = default, c40 = default, c41 = default,
            c42 = default, c43 = default, c50 = default, c51 = default, c52 = default, c53 = default;
        for (int t = 0; t < taps; t++, w += ldw)
        {
            nint d = offsets[t];
            Vector512<float> b0 = Vector512.Load(x0 + d), b1 = Vector512.Load(x1 + d), b2 = Vector512.Load(x2 + d), b3 = Vector512.Load(x3 + d);
            Vector512<float> a = Vector512.Create(w[0]);
            c00 = Avx512F.FusedMultiplyAdd(a, b0, c00); c01 = Avx512F.FusedMultiplyAdd(a, b1, c01);
            c02 = Avx512F.FusedMultiplyAdd(a, b2, c02); c03 = Avx512F.FusedMultiplyAdd(a, b3, c03);
            a = Vector512.Create(w[1]);
            c10 = Avx512F.FusedMultiplyAdd(a, b0, c10); c11 = Avx512F.FusedMultiplyAdd(a, b1, c11);
            c12 = Avx512F.FusedMultiplyAdd(a, b2, c12); c13 = Avx512F.FusedMultiplyAdd(a, b3, c13);
            a = Vector512.Create(w[2]);
            c20 = Avx512F.FusedMultiplyAdd(a, b0, c20); c21 = Avx512F.FusedMultiplyAdd(a, b1, c21);
            c22 = Avx512F.FusedMultiplyAdd(a, b2, c22); c23 = Avx512F.FusedMultiplyAdd(a, b3, c23);
            a = Vector512.Create(w[3]);
            c30 = Avx512F.FusedMultiplyAdd(a, b0, c30); c31 = Avx512F.FusedMultiplyAdd(a, b1, c31);
            c32 = Avx512F.FusedMultiplyAdd(a, b2, c32); c33 = Avx512F.FusedMultiplyAdd(a, b3, c33);
            a = Vector512.Create(w[4]);
            c40 = Avx512F.FusedMultiplyAdd(a, b0, c40); c41 = Avx512F.FusedMultiplyAdd(a, b1, c41);
            c42 = Avx512F.FusedMultiplyAdd(a, b2, c42); c43 = Avx512F.FusedMultiplyAdd(a, b3, c43);
            a = Vector512.Create(w[5]);
            c50 = Avx512F.FusedMultiplyAdd(a, b0, c50); c51 = Avx512F.FusedMultiplyAdd(a, b1, c51);
            c52 = Avx512F.FusedMultiplyAdd(a, b2, c52); c53 = Avx512F.FusedMultiplyAdd(a, b3, c53);
        }
        store.Put(0, j, 0, count, c00); store.Put(0, j, 1, count, c01); store.Put(0, j, 2, count, c02); store.Put(0, j, 3, count, c03);
        store.Put(1, j, 0, count, c10); store.Put(1, j, 1, count, c11); store.Put(1, j, 2, count, c12); store.Put(1, j, 3, count, c13);
        store.Put(2, j, 0, count, c20); store.Put(2, j, 1, count, c21); store.Put(2, j, 2, count, c22); store.Put(2, j, 3, count, c23);
        store.Put(3, j, 0, count, c30); store.Put(3, j, 1, count, c31); store.Put(3, j, 2, count, c32); store.Put(3, j, 3, count, c33);
        store.Put(4, j, 0, count, c40); store.Put(4, j, 1, count, c41); store.Put(4, j, 2, count, c42); store.Put(4, j, 3, count, c43);
        store.Put(5, j, 0, count, c50); store.Put(5, j, 1, count, c51); store.Put(5, j, 2, count, c52); store.Put(5, j, 3, count, c53);
    }

    /// <summary>8 output channels × position vectors j .. j + count (count ≤ 3), as <see cref="Tile6x4"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8x3(int* inBase, int j, int count, float* padded, int* offsets, int taps, float* w, int ldw, in OutputStore store)
    {
        float* x0 = padded + inBase[j];
        float* x1 = count > 1 ? padded + inBase[j + 1] : x0;
        float* x2 = count > 2 ? padded + inBase[j + 2] : x0;
        Vector512<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default,
            c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default,
            c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default,
            c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
        for (int t = 0; t < taps; t++, w += ldw)
        {
            nint d = offsets[t];
            Vector512<float> b0 = Vector512.Load(x0 + d), b1 = Vector512.Load(x1 + d), b2 = Vector512.Load(x2 + d);
            Vector512<float> a = Vector512.Create(w[0]);
            c00 = Avx512F.FusedMultiplyAdd(a, b0, c00); c01 = Avx512F.FusedMultiplyAdd(a, b1, c01); c02 = Avx512F.FusedMultiplyAdd(a, b2, c02);
            a = Vector512.Create(w[1]);
            c10 = Avx512F.FusedMultiplyAdd(a, b0, c10); c11 = Avx512F.FusedMultiplyAdd(a, b1, c11); c12 = Avx512F.FusedMultiplyAdd(a, b2, c12);
            a = Vector512.Create(w[2]);
            c20 = Avx512F.FusedMultiplyAdd(a, b0, c20); c21 = Avx512F.FusedMultiplyAdd(a, b1, c21); c22 = Avx512F.FusedMultiplyAdd(a, b2, c22);
            a = Vector512.Create(w[3]);
            c30 = Avx512F.FusedMultiplyAdd(a, b0, c30); c31 = Avx512F.FusedMultiplyAdd(a, b1, c31); c32 = Avx512F.FusedMultiplyAdd(a, b2, c32);
            a = Vector512.Create(w[4]);
            c40 = Avx512F.FusedMultiplyAdd(a, b0, c40); c41 = Avx512F.FusedMultiplyAdd(a, b1, c41); c42 = Avx512F.FusedMultiplyAdd(a, b2, c42);
            a = Vector512.Create(w[5]);
            c50 = Avx512F.FusedMultiplyAdd(a, b0, c50); c51 = Avx512F.FusedMultiplyAdd(a, b1, c51); c52 = Avx512F.FusedMultiplyAdd(a, b2, c52);
            a = Vector512.Create(w[6]);
            c60 = Avx512F.FusedMultiplyAdd(a, b0, c60); c61 = Avx512F.FusedMultiplyAdd(a, b1, c61); c62 = Avx512F.FusedMultiplyAdd(a, b2, c62);
            a = Vector512.Create(w[7]);
            c70 = Avx512F.FusedMultiplyAdd(a, b0, c70); c71 = Avx512F.FusedMultiplyAdd(a, b1, c71); c72 = Avx512F.FusedMultiplyAdd(a, b2, c72);
        }
        store.Put(0, j, 0, count, c00); store.Put(0, j, 1, count, c01); store.Put(0, j, 2, count, c02);
        store.Put(1, j, 0, count, c10); store.Put(1, j, 1, count, c11); store.Put(1, j, 2, count, c12);
        store.Put(2, j, 0, count, c20); store.Put(2, j, 1, count, c21); store.Put(2, j, 2, count, c22);
        store.Put(3, j, 0, count, c30); store.Put(3, j, 1, count, c31); store.Put(3, j, 2, count, c32);
        store.Put(4, j, 0, count, c40); store.Put(4, j, 1, count, c41); store.Put(4, j, 2, count, c42);
        store.Put(5, j, 0, count, c50); store.Put(5, j, 1, count, c51); store.Put(5, j, 2, count, c52);
        store.Put(6, j, 0, count, c60); store.Put(6, j, 1, count, c61); store.Put(6, j, 2, count, c62);
        store.Put(7, j, 0, count, c70); store.Put(7, j, 1, count, c71); store.Put(7, j, 2, count, c72);
    }

    /// <summary>
    /// gradWeight (O, taps) += Σ over <paramref name="samples"/> samples of gradOut[o, ·] · padded[off(t) + ·]:
    /// padded holds the samples' padded images <see cref="Plan.PaddedSize"/> apart, gradOutput their
    /// gradients (O, OH, OW) back to back. Each 6-channel × 4-tap register tile runs over every position
    /// vector of every sample before its 24 sums are reduced across lanes, so the reductions and the tile
    /// set-up are paid once per group of samples, not per sample.
    /// </summary>
    public static void AccumulateWeightGrad(Plan plan, int outChannels, int samples, float* padded, float* gradOutput, float* gradWeight)
    {
        int taps = plan.TapOffsets.Length;
        using var sweep = new Sweep(plan, outChannels, samples);
        fixed (int* offsets = plan.TapOffsets, inBase = sweep.InBase, outBase = sweep.OutBase, live = sweep.Live)
            for (int o0 = 0; o0 < outChannels; o0 += 6)
                for (int t0 = 0; t0 < taps; t0 += 4)
                    GradTile6x4(sweep.Vectors, inBase, outBase, live, padded, offsets, t0, Math.Min(4, taps - t0),
                        gradOutput, plan.OutPlane, o0, Math.Min(6, outChannels - o0), gradWeight + (nint)o0 * taps + t0, taps);
    }

    /// <summary>
    /// 6 output channels × 4 taps of the weight gradient: per position vector, 6 masked gradient loads,
    /// 4 masked image loads (dead lanes read as zero, so a non-finite pixel only dead lanes see never turns a
    /// sum into NaN) and 24 FMAs; at the end each sum is reduced across lanes and added to gradWeight
    /// (row stride <paramref name="weightRow"/>). Missing channels or taps repeat the first and are not stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradTile6x4(int vectors, int* inBase, int* outBase, int* live, float* padded, int* offsets, int t0, int tapCount,
        float* gradOutput, int plane, int o0, int rows, float* gradWeight, int weightRow)
    {
        float* g0 = gradOutput + (nint)o0 * plane;
        float* g1 = rows > 1 ? g0 + plane : g0, g2 = rows > 2 ? g0 + 2 * plane : g0, g3 = rows > 3 ? g0 + 3 * plane : g0;
        float* g4 = rows > 4 ? g0 + 4 * plane : g0, g5 = rows > 5 ? g0 + 5 * plane : g0;
        nint d0 = offsets[t0], d1 = tapCount > 1 ? offsets[t0 + 1] : d0, d2 = tapCount > 2 ? offsets[t0 + 2] : d0, d3 = tapCount > 3 ? offsets[t0 + 3] : d0;
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default,
            c12 = default, c13 = default, c20 = default, c21 = default, c22 = default, c23 = default,
            c30 = default, c31 = default, c32 = default, c33 = default, c40 = default, c41 = default,
            c42 = default, c43 = default, c50 = default, c51 = default, c52 = default, c53 = default;
        Vector512<float> zero = Vector512<float>.Zero;
        for (int j = 0; j < vectors; j++)
        {
            Vector512<float> mask = Mask(live[j]);
            nint q = outBase[j];
            float* x = padded + inBase[j];
            Vector512<float> b0 = Avx512F.MaskLoad(x + d0, mask, zero), b1 = Avx512F.MaskLoad(x + d1, mask, zero);
            Vector512<float> b2 = Avx512F.MaskLoad(x + d2, mask, zero), b3 = Avx512F.MaskLoad(x + d3, mask, zero);
            Vector512<float> a = Avx512F.MaskLoad(g0 + q, mask, zero);
            c00 = Avx512F.FusedMultiplyAdd(a, b0, c00); c01 = Avx512F.FusedMultiplyAdd(a, b1, c01);
            c02 = Avx512F.FusedMultiplyAdd(a, b2, c02); c03 = Avx512F.FusedMultiplyAdd(a, b3, c03);
            a = Avx512F.MaskLoad(g1 + q, mask, zero);
            c10 = Avx512F.FusedMultiplyAdd(a, b0, c10); c11 = Avx512F.FusedMultiplyAdd(a, b1, c11);
            c12 = Avx512F.FusedMultiplyAdd(a, b2, c12); c13 = Avx512F.FusedMultiplyAdd(a, b3, c13);
            a = Avx512F.MaskLoad(g2 + q, mask, zero);
            c20 = Avx512F.FusedMultiplyAdd(a, b0, c20); c21 = Avx512F.FusedMultiplyAdd(a, b1, c21);
            c22 = Avx512F.FusedMultiplyAdd(a, b2, c22); c23 = Avx512F.FusedMultiplyAdd(a, b3, c23);
            a = Avx512F.MaskLoad(g3 + q, mask, zero);
            c30 = Avx512F.FusedMultiplyAdd(a, b0, c30); c31 = Avx512F.FusedMultiplyAdd(a, b1, c31);
            c32 = Avx512F.FusedMultiplyAdd(a, b2, c32); c33 = Avx512F.FusedMultiplyAdd(a, b3, c33);
            a = Avx512F.MaskLoad(g4 + q, mask, zero);
            c40 = Avx512F.FusedMultiplyAdd(a, b0, c40); c41 = Avx512F.FusedMultiplyAdd(a, b1, c41);
            c42 = Avx512F.FusedMultiplyAdd(a, b2, c42); c43 = Avx512F.FusedMultiplyAdd(a, b3, c43);
            a = Avx512F.MaskLoad(g5 + q, mask, zero);
            c50 = Avx512F.FusedMultiplyAdd(a, b0, c50); c51 = Avx512F.FusedMultiplyAdd(a, b1, c51);
            c52 = Avx512F.FusedMultiplyAdd(a, b2, c52); c53 = Avx512F.FusedMultiplyAdd(a, b3, c53);
        }
        var add = new WeightAdd(gradWeight, weightRow, rows, tapCount);
        add.Put(0, 0, c00); add.Put(0, 1, c01); add.Put(0, 2, c02); add.Put(0, 3, c03);
        add.Put(1, 0, c10); add.Put(1, 1, c11); add.Put(1, 2, c12); add.Put(1, 3, c13);
        add.Put(2, 0, c20); add.Put(2, 1, c21); add.Put(2, 2, c22); add.Put(2, 3, c23);
        add.Put(3, 0, c30); add.Put(3, 1, c31); add.Put(3, 2, c32); add.Put(3, 3, c33);
        add.Put(4, 0, c40); add.Put(4, 1, c41); add.Put(4, 2, c42); add.Put(4, 3, c43);
        add.Put(5, 0, c50); add.Put(5, 1, c51); add.Put(5, 2, c52); add.Put(5, 3, c53);
    }

    /// <summary>Adds a tile's sums, reduced across lanes, to gradWeight at (channel m, tap tt) of the tile.</summary>
    private readonly ref struct WeightAdd(float* gradWeight, int weightRow, int rows, int taps)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Put(int m, int tt, Vector512<float> acc)
        {
            if (m >= rows || tt >= taps) return;
            gradWeight[(nint)m * weightRow + tt] += Vector256.Sum(acc.GetLower() + acc.GetUpper());
        }
    }
}
