using FsCheck;
using FsCheck.Fluent;
using F = ConvEngine.Functional;

namespace ConvEngine.Tests.Properties;

// Reductions, log-softmax and the classification losses, forward and backward.
public sealed partial class OpPropertyTests
{
    /// <summary>sum, mean or max over everything (Dim null) or along Dim.</summary>
    public sealed record ReduceCase(string Kind, int[] Shape, int? Dim, bool KeepDim, bool Ties, bool Strided, int Seed)
    {
        private int Rank => Math.Max(Shape.Length, 1);

        /// <summary>A dimension in [−rank, rank) (a 0-d tensor has one, as in PyTorch); max needs an element to pick.</summary>
        public bool Valid => Dim is not int d
            ? Kind != "max" || Nd.Count(Shape) > 0
            : d >= -Rank && d < Rank && (Kind != "max" || Shape.Length == 0 || Shape[d < 0 ? d + Rank : d] > 0);

        /// <summary>The dimension counted from the front.</summary>
        public int? Normalized => Dim is int d && d < 0 ? d + Rank : Dim;

        public override string ToString() =>
            $"{Kind}({(Dim is int d ? $"dim {d}{(KeepDim ? ", keepdim" : "")}" : "")}) of {Shapes(Shape)}{(Ties ? " ties" : "")}{(Strided ? " strided" : "")} seed {Seed}";
    }

    private static readonly Gen<ReduceCase> ReduceCases =
        from kind in Gen.Elements("sum", "mean", "max")
        from shape in AnyShape
        from all in Gen.Frequency((1, Gen.Constant(true)), (3, Gen.Constant(false)))
        from dim in Gen.Choose(-shape.Length - 2, shape.Length + 1)
        from keepDim in Gen.Elements(false, true)
        from ties in Gen.Elements(false, true)
        from strided in Gen.Elements(false, true)
        from seed in Seeds
        select new ReduceCase(kind, shape, all ? null : dim, keepDim, ties, strided, seed);

    [Test]
    public void Reductions_MatchTheReference_OrRefuse() => Verify(ReduceCases, 0x5, c =>
    {
        float[] x = Data(c.Shape, c.Seed, c.Ties);
        Expect(c.Valid,
            device =>
            {
                var xt = Leaf(x, c.Shape, device, c.Strided);
                if (c.Kind == "max" && c.Dim is int d)
                {
                    var (values, indices) = xt.Max(d, c.KeepDim);
                    var result = Outputs(values, ("dx", xt));
                    result["indices"] = ToNd(indices.ToArray(), indices.Shape.ToArray());
                    return result;
                }
                var y = (c.Kind, c.Dim) switch
                {
                    ("sum", int d2) => xt.Sum(d2, c.KeepDim),
                    ("mean", int d2) => xt.Mean(d2, c.KeepDim),
                    ("sum", null) => xt.Sum(),
                    ("mean", null) => xt.Mean(),
                    _ => xt.Max(),
                };
                return Outputs(y, ("dx", xt));
            },
            () =>
            {
                var (y, dx, indices) = Reference.Reduce(c.Kind, ToNd(x, c.Shape), c.Normalized, c.KeepDim, UpstreamNd);
                var result = new Dictionary<string, Nd> { ["y"] = y, ["dx"] = dx };
                if (indices is not null) result["indices"] = indices;
                return result;
            });
    });

    /// <summary>log_softmax along Dim, nll_loss on given log-probabilities, or cross_entropy on logits (mean or sum).</summary>
    public sealed record LossCase(string Kind, int[] Input, int Dim, float[] Targets, bool TargetIsScalar, bool Sum, int Seed)
    {
        /// <summary>
        /// log_softmax: a dimension in range. nll_loss: input (N, C), target (N). cross_entropy also takes logits (C)
        /// with a 0-d target. Targets are whole numbers in [0, C).
        /// </summary>
        public bool Valid
        {
            get
            {
                if (Kind == "log_softmax") return Dim >= -Math.Max(Input.Length, 1) && Dim < Math.Max(Input.Length, 1);
                bool unbatched = Kind == "cross_entropy" && Input.Length == 1 && TargetIsScalar;
                bool batched = Input.Length == 2 && !TargetIsScalar && Targets.Length == Input[0];
                int classes = Input.Length == 0 ? 0 : Input[^1];
                return (unbatched || batched) && Targets.All(t => t >= 0 && t < classes && t == MathF.Floor(t));
            }
        }

        public override string ToString() =>
            $"{Kind}{(Kind == "log_softmax" ? $" dim {Dim}" : Sum ? " sum" : " mean")} of {Shapes(Input)}"
            + (Kind == "log_softmax" ? "" : $" targets {(TargetIsScalar ? "0-d " : "")}[{string.Join(", ", Targets)}]") + $" seed {Seed}";
    }

    private static readonly Gen<LossCase> LossCases =
        from kind in Gen.Elements("log_softmax", "nll_loss", "cross_entropy")
        from rank in Gen.Frequency((6, Gen.Constant(2)), (2, Gen.Constant(1)), (1, Gen.Elements(0, 3)))
        from n in Gen.Frequency((8, Gen.Choose(1, 4)), (1, Gen.Constant(0)))
        from classes in Gen.Frequency((8, Gen.Choose(1, 5)), (1, Gen.Constant(0)))
        from dim in Gen.Choose(-rank - 1, rank)
        let input = rank switch { 0 => Array.Empty<int>(), 1 => [classes], 2 => [n, classes], _ => [n, classes, 2] }
        from targetIsScalar in rank == 1 ? Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false))) : Gen.Frequency((1, Gen.Constant(true)), (8, Gen.Constant(false)))
        from count in targetIsScalar ? Gen.Constant(1) : Gen.Frequency((8, Gen.Constant(n)), (1, Gen.Choose(0, 5)))
        from targets in Gen.ArrayOf(Gen.Frequency(
            (12, Gen.Choose(0, Math.Max(classes - 1, 0)).Select(t => (float)t)),
            (1, Gen.Elements(-1f, (float)classes, 0.5f))), count)
        from sum in Gen.Elements(false, true)
        from seed in Seeds
        select new LossCase(kind, input, dim, targets, targetIsScalar, sum, seed);

    [Test]
    public void LogSoftmaxAndLosses_MatchTheReference_OrRefuse() => Verify(LossCases, 0x7, c =>
    {
        float[] x = Data(c.Input, c.Seed).Select(v => 3 * v).ToArray();
        var reduction = c.Sum ? Reduction.Sum : Reduction.Mean;
        Expect(c.Valid,
            device =>
            {
                var xt = Leaf(x, c.Input, device);
                var target = c.TargetIsScalar ? Tensor.Scalar(c.Targets[0], device) : Tensor.FromArray(c.Targets, [c.Targets.Length]).To(device);
                var y = c.Kind switch
                {
                    "log_softmax" => F.LogSoftmax(xt, c.Dim),
                    "nll_loss" => F.NllLoss(xt, target, reduction),
                    _ => F.CrossEntropy(xt, target, reduction),
                };
                return Outputs(y, ("dx", xt));
            },
            () => LossReference(c, x));
    });

    private static Dictionary<string, Nd> LossReference(LossCase c, float[] x)
    {
        if (c.Kind == "log_softmax")
        {
            int dim = c.Dim < 0 ? c.Dim + Math.Max(c.Input.Length, 1) : c.Dim;
            var (y, dx) = Reference.LogSoftmax(ToNd(x, c.Input), dim, UpstreamNd);
            return new() { ["y"] = y, ["dx"] = dx };
        }
        // Unbatched cross-entropy is one row.
        int[] rows = c.Input.Length == 1 ? [1, c.Input[0]] : c.Input;
        int[] targets = c.Targets.Select(t => (int)t).ToArray();
        double g = UpstreamNd([]).Values[0];
        Nd loss, grad;
        if (c.Kind == "cross_entropy") (loss, grad) = Reference.CrossEntropy(ToNd(x, rows), targets, mean: !c.Sum, g);
        else
        {
            // nll_loss: −Σ input[r, target r], over N for the mean; the gradient is −g (/ N) at each target.
            int n = rows[0], classes = rows[1];
            double scale = c.Sum ? 1.0 : 1.0 / n;
            grad = Nd.Zeros(rows);
            double sum = 0;
            for (int r = 0; r < n; r++)
            {
                sum -= x[r * classes + targets[r]];
                grad.Values[r * classes + targets[r]] = -g * scale;
            }
            loss = new Nd([], [!c.Sum && n == 0 ? double.NaN : sum * scale]);
        }
        return new() { ["y"] = loss, ["dx"] = grad with { Shape = c.Input } };
    }
}
