using FsCheck;
using FsCheck.Fluent;
using F = ConvEngine.Functional;

namespace ConvEngine.Tests.Properties;

// conv2d and max/avg pooling, forward and backward.
public sealed partial class OpPropertyTests
{
    /// <summary>A conv2d call: input of any rank, weight (O, WC, KH, KW), bias of BiasSize elements or none.</summary>
    public sealed record ConvCase(int[] Input, int O, int WC, int KH, int KW, int? BiasSize, (int H, int W) Stride, (int H, int W) Padding,
        bool Strided, int Seed)
    {
        /// <summary>PyTorch's rules: a 3-D or 4-D input, positive stride, no negative padding, matching channels and
        /// bias, at least one output channel, and a kernel within the padded input.</summary>
        public bool Valid => Input.Length is 3 or 4 && Stride.H > 0 && Stride.W > 0 && Padding.H >= 0 && Padding.W >= 0
            && Input[^3] == WC && O >= 1 && (BiasSize is null || BiasSize == O)
            && Input[^2] + 2 * Padding.H >= KH && Input[^1] + 2 * Padding.W >= KW;

        public override string ToString() =>
            $"conv2d input {Shapes(Input)} weight [{O}, {WC}, {KH}, {KW}] bias {(BiasSize is int b ? $"[{b}]" : "none")} "
            + $"stride {Stride} padding {Padding}{(Strided ? " strided" : "")} seed {Seed}";
    }

    private static readonly Gen<ConvCase> ConvCases =
        from rank in Rarely(Gen.Frequency((4, Gen.Constant(4)), (1, Gen.Constant(3))), Gen.Elements(2, 5))
        from n in Gen.Choose(0, 2)
        from c in Gen.Choose(0, 3)
        from h in Rarely(Gen.Choose(1, 7), Gen.Constant(0))
        from w in Rarely(Gen.Choose(1, 7), Gen.Constant(0))
        from o in Rarely(Gen.Choose(1, 3), Gen.Constant(0))
        from wc in Rarely(Gen.Constant(c), Gen.Choose(0, 4))
        from kh in Gen.Choose(1, 4)
        from kw in Gen.Choose(1, 4)
        from bias in Rarely(Gen.Elements<int?>(o, null), Gen.Choose(0, 4).Select(b => (int?)b))
        from sh in Strides
        from sw in Strides
        from ph in Paddings
        from pw in Paddings
        from strided in Gen.Elements(false, true)
        from seed in Seeds
        let input = rank switch { 4 => new[] { n, c, h, w }, 3 => [c, h, w], 2 => [h, w], _ => [1, n, c, h, w] }
        select new ConvCase(input, o, wc, kh, kw, bias, (sh, sw), (ph, pw), strided, seed);

    [Test]
    public void Conv2d_MatchesTheReference_OrRefuses() => Verify(ConvCases, 0xC0, c =>
    {
        int[] weightShape = [c.O, c.WC, c.KH, c.KW];
        float[] x = Data(c.Input, c.Seed), w = Data(weightShape, c.Seed + 1);
        float[]? b = c.BiasSize is int size ? Data([size], c.Seed + 2) : null;
        Expect(c.Valid,
            device =>
            {
                Tensor xt = Leaf(x, c.Input, device, c.Strided), wt = Leaf(w, weightShape, device, c.Strided);
                var bt = b is null ? null : Leaf(b, [b.Length], device);
                return Outputs(F.Conv2d(xt, wt, bt, c.Stride, c.Padding), ("dx", xt), ("dw", wt), ("db", bt));
            },
            () =>
            {
                // An unbatched input is one image; the output loses the batch dimension again.
                bool unbatched = c.Input.Length == 3;
                int[] batched = unbatched ? [1, .. c.Input] : c.Input;
                var (y, dx, dw, db) = Reference.Conv2d(ToNd(x, batched), ToNd(w, weightShape), b is null ? null : ToNd(b, [b.Length]),
                    c.Stride, c.Padding, shape => UpstreamNd(unbatched ? shape[1..] : shape));
                var result = new Dictionary<string, Nd>
                {
                    ["y"] = unbatched ? y with { Shape = y.Shape[1..] } : y,
                    ["dx"] = dx with { Shape = c.Input },
                    ["dw"] = dw,
                };
                if (db is not null) result["db"] = db;
                return result;
            });
    });

    /// <summary>A max or average pooling call: input of any rank, kernel, stride (null: the kernel), padding.</summary>
    public sealed record PoolCase(bool Max, int[] Input, (int H, int W) Kernel, (int H, int W)? Stride, (int H, int W) Padding,
        bool Ties, bool Strided, int Seed)
    {
        private (int H, int W) EffectiveStride => Stride ?? Kernel;

        /// <summary>PyTorch's rules: a 3-D or 4-D input without empty channel or image dimensions, nonzero stride,
        /// padding from 0 to half the kernel, positive kernel and stride, and an output of at least 1×1.</summary>
        public bool Valid
        {
            get
            {
                var (k, s, p) = (Kernel, EffectiveStride, Padding);
                bool parameters = s.H != 0 && s.W != 0 && p.H >= 0 && p.W >= 0 && p.H <= k.H / 2 && p.W <= k.W / 2
                    && k.H > 0 && k.W > 0 && s.H > 0 && s.W > 0;
                if (!parameters || Input.Length is not (3 or 4) || Input[^3..].Contains(0)) return false;
                return Math.Floor((Input[^2] + 2.0 * p.H - k.H) / s.H) + 1 >= 1 && Math.Floor((Input[^1] + 2.0 * p.W - k.W) / s.W) + 1 >= 1;
            }
        }

        public override string ToString() =>
            $"{(Max ? "max" : "avg")}_pool2d input {Shapes(Input)} kernel {Kernel} stride {(Stride is { } s ? s.ToString() : "default")} "
            + $"padding {Padding}{(Ties ? " ties" : "")}{(Strided ? " strided" : "")} seed {Seed}";
    }

    private static readonly Gen<int> Kernels = Rarely(Gen.Choose(1, 4), Gen.Choose(-1, 0));

    // Mostly within half the kernel (PyTorch's limit); now and then anything from −1 to 2.
    private static Gen<int> PoolPadding(int kernel) => Rarely(Gen.Choose(0, Math.Max(kernel / 2, 0)), Gen.Choose(-1, 2));
    private static readonly Gen<PoolCase> PoolCases =
        from max in Gen.Elements(true, false)
        from rank in Rarely(Gen.Frequency((4, Gen.Constant(4)), (1, Gen.Constant(3))), Gen.Elements(2, 5))
        from n in Gen.Choose(0, 2)
        from c in Rarely(Gen.Choose(1, 3), Gen.Constant(0))
        from h in Rarely(Gen.Choose(1, 7), Gen.Constant(0))
        from w in Rarely(Gen.Choose(1, 7), Gen.Constant(0))
        from kh in Kernels
        from kw in Kernels
        from defaultStride in Gen.Elements(true, false)
        from sh in Strides
        from sw in Strides
        from ph in PoolPadding(kh)
        from pw in PoolPadding(kw)
        from ties in Gen.Elements(false, true)
        from strided in Gen.Elements(false, true)
        from seed in Seeds
        let input = rank switch { 4 => new[] { n, c, h, w }, 3 => [c, h, w], 2 => [h, w], _ => [1, n, c, h, w] }
        select new PoolCase(max, input, (kh, kw), defaultStride ? null : (sh, sw), (ph, pw), ties, strided, seed);

    [Test]
    public void Pool2d_MatchesTheReference_OrRefuses() => Verify(PoolCases, 0x9001, c =>
    {
        float[] x = Data(c.Input, c.Seed, c.Ties);
        Pair? stride = c.Stride is { } s ? s : null;
        Expect(c.Valid,
            device =>
            {
                var xt = Leaf(x, c.Input, device, c.Strided);
                var y = c.Max ? F.MaxPool2d(xt, c.Kernel, stride, c.Padding) : F.AvgPool2d(xt, c.Kernel, stride, c.Padding);
                return Outputs(y, ("dx", xt));
            },
            () =>
            {
                bool unbatched = c.Input.Length == 3;
                int[] batched = unbatched ? [1, .. c.Input] : c.Input;
                var (y, dx) = Reference.Pool2d(c.Max, ToNd(x, batched), c.Kernel, c.Stride ?? c.Kernel, c.Padding,
                    shape => UpstreamNd(unbatched ? shape[1..] : shape));
                return new() { ["y"] = unbatched ? y with { Shape = y.Shape[1..] } : y, ["dx"] = dx with { Shape = c.Input } };
            });
    });
}
