using FsCheck;
using FsCheck.Fluent;

namespace ConvEngine.Tests.Properties;

// Broadcasting binary ops and one-input functions, forward and backward.
public sealed partial class OpPropertyTests
{
    /// <summary>Each binary op: the call, and its value and partial derivatives for the reference.</summary>
    private static readonly Dictionary<string, (Func<Tensor, Tensor, Tensor> Run, Func<double, double, (double, double, double)> Math)> BinaryOps = new()
    {
        ["add"] = ((a, b) => a + b, (a, b) => (a + b, 1, 1)),
        ["sub"] = ((a, b) => a - b, (a, b) => (a - b, 1, -1)),
        ["mul"] = ((a, b) => a * b, (a, b) => (a * b, b, a)),
        ["div"] = ((a, b) => a / b, (a, b) => (a / b, 1 / b, -a / (b * b))),
        // Ties split the gradient evenly, as PyTorch's maximum and minimum do.
        ["maximum"] = ((a, b) => a.Maximum(b), (a, b) => (Math.Max(a, b), a > b ? 1 : a == b ? 0.5 : 0, a < b ? 1 : a == b ? 0.5 : 0)),
        ["minimum"] = ((a, b) => a.Minimum(b), (a, b) => (Math.Min(a, b), a < b ? 1 : a == b ? 0.5 : 0, a > b ? 1 : a == b ? 0.5 : 0)),
    };

    /// <summary>a op b with broadcasting.</summary>
    public sealed record BinaryCase(string Op, int[] A, int[] B, bool Ties, bool Strided, int Seed)
    {
        /// <summary>Broadcastable shapes: aligned from the right, each pair of sizes equal or one of them 1.</summary>
        public bool Valid => Reference.BroadcastShape(A, B) is not null;

        public override string ToString() => $"{Shapes(A)} {Op} {Shapes(B)}{(Ties ? " ties" : "")}{(Strided ? " strided" : "")} seed {Seed}";
    }

    // b's shape from a's: per aligned dimension the same size, 1, or any size (a clash, unless it happens to fit).
    private static Gen<int[]> PartnerShape(int[] a) =>
        from rank in Gen.Choose(Math.Max(0, a.Length - 2), a.Length + 1)
        from dims in Gen.CollectToArray(Enumerable.Range(0, rank).Select(d =>
        {
            int aligned = d - (rank - a.Length);
            return aligned < 0 ? Sizes : Gen.Frequency((5, Gen.Constant(a[aligned])), (3, Gen.Constant(1)), (1, Sizes));
        }))
        select dims;

    private static readonly Gen<BinaryCase> BinaryCases =
        from op in Gen.Elements(BinaryOps.Keys.ToArray())
        from a in AnyShape
        from b in PartnerShape(a)
        from swap in Gen.Elements(false, true)
        from ties in Gen.Elements(false, true)
        from strided in Gen.Elements(false, true)
        from seed in Seeds
        select swap ? new BinaryCase(op, b, a, ties, strided, seed) : new BinaryCase(op, a, b, ties, strided, seed);

    [Test]
    public void BroadcastingBinaryOps_MatchTheReference_OrRefuse() => Verify(BinaryCases, 0xB1, c =>
    {
        float[] a = Data(c.A, c.Seed, c.Ties), b = Data(c.B, c.Seed + 1, c.Ties);
        // Divisors kept away from zero: |b| ≥ 0.5.
        if (c.Op == "div") b = b.Select(v => v < 0 ? v - 0.5f : v + 0.5f).ToArray();
        var (run, math) = BinaryOps[c.Op];
        Expect(c.Valid,
            device =>
            {
                Tensor at = Leaf(a, c.A, device, c.Strided), bt = Leaf(b, c.B, device, c.Strided);
                return Outputs(run(at, bt), ("da", at), ("db", bt));
            },
            () =>
            {
                var (y, da, db) = Reference.Binary(ToNd(a, c.A), ToNd(b, c.B), math, UpstreamNd);
                return new() { ["y"] = y, ["da"] = da, ["db"] = db };
            });
    });

    /// <summary>Each one-input function: the call, and its value and derivative for the reference.</summary>
    private static readonly Dictionary<string, (Func<Tensor, Tensor> Run, Func<double, (double, double)> Math)> UnaryOps = new()
    {
        ["neg"] = (x => -x, x => (-x, -1)),
        ["exp"] = (x => x.Exp(), x => (Math.Exp(x), Math.Exp(x))),
        ["log"] = (x => x.Log(), x => (Math.Log(x), 1 / x)),
        ["sqrt"] = (x => x.Sqrt(), x => (Math.Sqrt(x), 0.5 / Math.Sqrt(x))),
        ["abs"] = (x => x.Abs(), x => (Math.Abs(x), Math.Sign(x))),
        ["sigmoid"] = (x => x.Sigmoid(), x => (1 / (1 + Math.Exp(-x)), Math.Exp(-x) / Math.Pow(1 + Math.Exp(-x), 2))),
        ["relu"] = (x => x.Relu(), x => (Math.Max(x, 0), x > 0 ? 1 : 0)),
        ["tanh"] = (x => x.Tanh(), x => (Math.Tanh(x), 1 - Math.Tanh(x) * Math.Tanh(x))),
        ["pow 2"] = (x => x.Pow(2f), x => (x * x, 2 * x)),
        ["pow 3"] = (x => x.Pow(3f), x => (x * x * x, 3 * x * x)),
        ["pow 0.5"] = (x => x.Pow(0.5f), x => (Math.Pow(x, 0.5), 0.5 * Math.Pow(x, -0.5))),
        ["pow -1"] = (x => x.Pow(-1f), x => (1 / x, -1 / (x * x))),
        ["x * 2.5"] = (x => x * 2.5f, x => (x * 2.5f, 2.5)),
        ["x + 1.5"] = (x => x + 1.5f, x => ((float)(x + 1.5f), 1)),
        ["1 - x"] = (x => 1f - x, x => ((float)(1f - (float)x), -1)),
    };

    /// <summary>A one-input function on any shape; always valid (log and sqrt of negatives are NaN, as in PyTorch).</summary>
    public sealed record UnaryCase(string Op, int[] Shape, bool Ties, bool Strided, int Seed)
    {
        public override string ToString() => $"{Op} of {Shapes(Shape)}{(Ties ? " ties" : "")}{(Strided ? " strided" : "")} seed {Seed}";
    }

    private static readonly Gen<UnaryCase> UnaryCases =
        from op in Gen.Elements(UnaryOps.Keys.ToArray())
        from shape in AnyShape
        from ties in Gen.Elements(false, true)
        from strided in Gen.Elements(false, true)
        from seed in Seeds
        select new UnaryCase(op, shape, ties, strided, seed);

    [Test]
    public void UnaryOps_MatchTheReference() => Verify(UnaryCases, 0x1, c =>
    {
        // Spread over [-2, 2] (whole numbers with ties, so 0 and the kinks come up).
        float[] x = Data(c.Shape, c.Seed, c.Ties).Select(v => c.Ties ? v : 2 * v).ToArray();
        var (run, math) = UnaryOps[c.Op];
        Expect(valid: true,
            device =>
            {
                var xt = Leaf(x, c.Shape, device, c.Strided);
                return Outputs(run(xt), ("dx", xt));
            },
            () =>
            {
                var (y, dx) = Reference.Unary(ToNd(x, c.Shape), math, UpstreamNd);
                return new() { ["y"] = y, ["dx"] = dx };
            });
    });
}
