using F = ConvEngine.Functional;

namespace ConvEngine.Tests;

/// <summary>
/// Gradient checks by central differences in float32, and the autograd semantics around them
/// (which leaves get a gradient, accumulation, no-grad scopes, detaching).
/// <para>
/// Each check draws a random upstream gradient g, back-propagates it through f, and compares every
/// element of every input's gradient, ∂⟨g, f(x)⟩/∂xⱼ, with (⟨g, f(x + εeⱼ)⟩ − ⟨g, f(x − εeⱼ)⟩) / 2ε.
/// Checking every element (not one random direction) means an error confined to a few elements
/// (a wrong border in a padded convolution, a broadcast summed along the wrong axis) cannot hide.
/// ε = 1e-2 keeps float32 rounding in the quotient near 1e-4; the tolerance 2e-3 + 1e-2·|numeric|
/// is far below the error of a gradient that is wrong by a sign, a factor, or a transposition
/// (<see cref="CheckerRejectsAWrongGradient"/> shows a factor-2 error is caught).
/// Inputs of non-smooth functions (relu, abs, max, max-pool) stay more than 2ε from their kinks and ties.
/// </para>
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.Fixtures))]
public sealed class GradCheckTests(string device) : BackendFixture(device)
{
    private const float Eps = 1e-2f;
    private const double Atol = 2e-3, Rtol = 1e-2;

    /// <summary>An argument of the function under test; targets and other constants are not differentiable.</summary>
    private sealed record Arg(float[] Data, int[] Shape, bool Differentiable = true);

    // Uniform in [lo, hi).
    private static Arg U(int seed, float lo, float hi, params int[] shape)
    {
        var rng = new Random(seed);
        var data = new float[Numel(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = lo + (hi - lo) * rng.NextSingle();
        return new Arg(data, shape);
    }

    // Magnitudes in [0.2, 1), random signs: relu and abs see no input within 2ε of their kink at 0.
    private static Arg AwayFromZero(int seed, params int[] shape)
    {
        var rng = new Random(seed);
        var data = new float[Numel(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = (0.2f + 0.8f * rng.NextSingle()) * (rng.Next(2) == 0 ? -1 : 1);
        return new Arg(data, shape);
    }

    // A shuffled ladder with steps of 0.1 > 2ε, so a maximum never changes hands under perturbation.
    private static Arg Distinct(int seed, params int[] shape)
    {
        int n = Numel(shape);
        var data = Enumerable.Range(0, n).Select(i => (i - n / 2) * 0.1f).ToArray();
        new Random(seed).Shuffle(data);
        return new Arg(data, shape);
    }

    private static Arg Const(float[] data, params int[] shape) => new(data, shape, Differentiable: false);

    private static int Numel(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    private Tensor Make(float[] data, int[] shape) => shape.Length == 0 ? Tensor.Scalar(data[0], Device) : T(data, shape);

    private void Check(Func<Tensor[], Tensor> f, params Arg[] args) =>
        Assert.That(FirstMismatch(f, args), Is.Null);

    /// <summary>Null when every gradient element agrees with central differences, else a description of the first that does not.</summary>
    private string? FirstMismatch(Func<Tensor[], Tensor> f, Arg[] args)
    {
        var leaves = args.Select(a => a.Differentiable ? Make(a.Data, a.Shape).RequiresGrad_() : Make(a.Data, a.Shape)).ToArray();
        var y = f(leaves);
        var rng = new Random(99);
        var g = Enumerable.Range(0, y.Numel).Select(_ => rng.NextSingle() * 2 - 1).ToArray();
        y.Backward(Make(g, y.Shape.ToArray()));

        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].Differentiable) continue;
            var grad = leaves[i].Grad;
            if (grad is null) return $"input {i}: no gradient";
            if (!grad.Shape.ToArray().SequenceEqual(args[i].Shape)) return $"input {i}: gradient shape {grad.Shape}, expected [{string.Join(", ", args[i].Shape)}]";
            var analytic = grad.ToArray();
            for (int j = 0; j < analytic.Length; j++)
            {
                float xp = args[i].Data[j] + Eps, xm = args[i].Data[j] - Eps;
                double numeric = (Inner(f, args, g, i, j, xp) - Inner(f, args, g, i, j, xm)) / ((double)xp - xm);
                if (!(Math.Abs(numeric - analytic[j]) <= Atol + Rtol * Math.Abs(numeric)))
                    return $"input {i} element {j}: backward gives {analytic[j]}, central difference {numeric:g6}";
            }
        }
        return null;
    }

    // ⟨g, f(x)⟩ with element j of argument i replaced by value, accumulated in double.
    private double Inner(Func<Tensor[], Tensor> f, Arg[] args, float[] g, int i, int j, float value)
    {
        var inputs = args.Select((a, k) =>
        {
            var data = (float[])a.Data.Clone();
            if (k == i) data[j] = value;
            return Make(data, a.Shape);
        }).ToArray();
        var y = f(inputs).ToArray();
        double s = 0;
        for (int m = 0; m < y.Length; m++) s += (double)g[m] * y[m];
        return s;
    }

    [Test]
    public void CheckerRejectsAWrongGradient()
    {
        // x.Detach() * x back-propagates x, half the true derivative 2x.
        Assert.That(FirstMismatch(x => x[0].Detach() * x[0], [U(1, 0.5f, 1f, 2, 3)]), Is.Not.Null);
    }

    // ---- element-wise binary ops with broadcasting ----------------------------------------------

    [Test] public void AddColumnPlusRow() => Check(x => x[0] + x[1], U(1, -1, 1, 3, 1), U(2, -1, 1, 1, 4));
    [Test] public void SubScalarMinusMatrix() => Check(x => x[0] - x[1], U(3, -1, 1), U(4, -1, 1, 2, 3));
    [Test] public void SubMatrixMinusRow() => Check(x => x[0] - x[1], U(5, -1, 1, 2, 3), U(6, -1, 1, 3));
    [Test] public void MulColumnTimesRow() => Check(x => x[0] * x[1], U(7, -1, 1, 3, 1), U(8, -1, 1, 1, 4));
    [Test] public void MulMatrixTimesScalar() => Check(x => x[0] * x[1], U(9, -1, 1, 2, 3), U(10, -1, 1));
    [Test] public void DivColumnByRow() => Check(x => x[0] / x[1], U(11, -1, 1, 3, 1), U(12, 0.5f, 2, 1, 4));
    [Test] public void DivScalarByMatrix() => Check(x => x[0] / x[1], U(13, -1, 1), U(14, 0.5f, 2, 2, 3));
    [Test] public void PowColumnToRow() => Check(x => x[0].Pow(x[1]), U(15, 0.5f, 2, 3, 1), U(16, 0.5f, 2, 1, 4));
    [Test] public void PowMatrixToScalar() => Check(x => x[0].Pow(x[1]), U(17, 0.5f, 2, 2, 3), U(18, 0.5f, 2));

    // ---- element-wise unary ops -------------------------------------------------------------------

    [Test] public void Neg() => Check(x => -x[0], U(20, -1, 1, 2, 3));
    [Test] public void Exp() => Check(x => x[0].Exp(), U(21, -1, 1, 2, 3));
    [Test] public void Log() => Check(x => x[0].Log(), U(22, 0.5f, 2, 2, 3));
    [Test] public void Sqrt() => Check(x => x[0].Sqrt(), U(23, 0.5f, 2, 2, 3));
    [Test] public void Abs() => Check(x => x[0].Abs(), AwayFromZero(24, 2, 3));
    [Test] public void PowScalarCube() => Check(x => x[0].Pow(3f), U(25, -1, 1, 2, 3));
    [Test] public void PowScalarSquare() => Check(x => x[0].Pow(2f), U(26, -1, 1, 2, 3));
    [Test] public void PowScalarFractional() => Check(x => x[0].Pow(2.5f), U(27, 0.5f, 2, 2, 3));
    [Test] public void ScalarArithmetic() => Check(x => (2f - x[0] * 3f) / 4f + 1f, U(28, -1, 1, 2, 3));
    [Test] public void Sigmoid() => Check(x => F.Sigmoid(x[0]), U(29, -3, 3, 2, 3));
    [Test] public void Relu() => Check(x => F.Relu(x[0]), AwayFromZero(30, 2, 3));
    [Test] public void Tanh() => Check(x => F.Tanh(x[0]), U(31, -2, 2, 2, 3));

    // ---- reductions --------------------------------------------------------------------------------

    [Test] public void SumAll() => Check(x => x[0].Sum(), U(40, -1, 1, 2, 3));
    [Test] public void SumDim() => Check(x => x[0].Sum(1), U(41, -1, 1, 2, 3, 4));
    [Test] public void SumDimKeepDim() => Check(x => x[0].Sum(0, keepDim: true), U(42, -1, 1, 3, 4));
    [Test] public void MeanAll() => Check(x => x[0].Mean(), U(43, -1, 1, 2, 3));
    [Test] public void MeanDim() => Check(x => x[0].Mean(-1), U(44, -1, 1, 2, 3));
    [Test] public void MaxDim() => Check(x => x[0].Max(1).Values, Distinct(45, 3, 4));
    [Test] public void MaxDimKeepDim() => Check(x => x[0].Max(0, keepDim: true).Values, Distinct(46, 3, 4));
    [Test] public void MaxAll() => Check(x => x[0].Max(), Distinct(47, 3, 4));

    // ---- matrix products --------------------------------------------------------------------------

    [Test] public void MatmulMatrixMatrix() => Check(x => x[0].Matmul(x[1]), U(50, -1, 1, 2, 3), U(51, -1, 1, 3, 4));
    [Test] public void MatmulVectorMatrix() => Check(x => x[0].Matmul(x[1]), U(52, -1, 1, 3), U(53, -1, 1, 3, 4));
    [Test] public void MatmulMatrixVector() => Check(x => x[0].Matmul(x[1]), U(54, -1, 1, 2, 3), U(55, -1, 1, 3));
    [Test] public void MatmulVectorVector() => Check(x => x[0].Matmul(x[1]), U(56, -1, 1, 3), U(57, -1, 1, 3));
    [Test] public void MatmulOfTransposedView() => Check(x => x[0].T().Matmul(x[1]), U(58, -1, 1, 3, 2), U(59, -1, 1, 3, 4));

    // ---- views ------------------------------------------------------------------------------------

    [Test] public void Reshape() => Check(x => x[0].Reshape(3, -1) * x[1], U(60, -1, 1, 2, 6), U(61, -1, 1, 3, 4));
    [Test] public void ReshapeOfTransposed() => Check(x => x[0].Transpose(0, 1).Reshape(-1), U(62, -1, 1, 2, 3));
    [Test] public void Transpose() => Check(x => x[0].Transpose(0, 2), U(63, -1, 1, 2, 3, 4));
    [Test] public void SliceWithStep() => Check(x => x[0].Slice(1, 1, 6, 2), U(64, -1, 1, 3, 7));
    [Test] public void IndexerRange() => Check(x => x[0][.., 1..3], U(65, -1, 1, 3, 5));
    [Test] public void SelectNegative() => Check(x => x[0].Select(0, -1), U(66, -1, 1, 3, 4));
    [Test] public void IndexerPosition() => Check(x => x[0][1, ^2..], U(67, -1, 1, 3, 4));
    [Test] public void Expand() => Check(x => x[0].Expand(2, 3, 4), U(68, -1, 1, 3, 1));
    [Test] public void Contiguous() => Check(x => x[0].T().Contiguous(), U(69, -1, 1, 3, 4));
    [Test] public void UnsqueezeSqueezeFlatten() => Check(x => x[0].Unsqueeze(1).Flatten(1).Squeeze(0), U(70, -1, 1, 1, 3, 2));

    // ---- convolution and pooling ------------------------------------------------------------------

    [Test]
    public void Conv2dWithBias() =>
        Check(x => F.Conv2d(x[0], x[1], x[2]), U(80, -1, 1, 2, 2, 4, 5), U(81, -1, 1, 3, 2, 3, 3), U(82, -1, 1, 3));

    [Test]
    public void Conv2dStridePaddingNoBias() =>
        Check(x => F.Conv2d(x[0], x[1], null, stride: 2, padding: 1), U(83, -1, 1, 1, 2, 5, 5), U(84, -1, 1, 2, 2, 3, 3));

    [Test]
    public void Conv2dAsymmetricStridePadding() =>
        Check(x => F.Conv2d(x[0], x[1], x[2], stride: (2, 1), padding: (0, 2)), U(85, -1, 1, 2, 1, 5, 4), U(86, -1, 1, 2, 1, 2, 3), U(87, -1, 1, 2));

    [Test]
    public void Conv2dUnbatched() => Check(x => F.Conv2d(x[0], x[1], x[2]), U(88, -1, 1, 2, 4, 4), U(89, -1, 1, 3, 2, 2, 2), U(90, -1, 1, 3));

    [Test] public void MaxPool2d() => Check(x => F.MaxPool2d(x[0], 2), Distinct(91, 2, 2, 4, 4));
    [Test] public void MaxPool2dOverlappingPadded() => Check(x => F.MaxPool2d(x[0], 3, stride: 2, padding: 1), Distinct(92, 1, 2, 5, 5));
    [Test] public void AvgPool2d() => Check(x => F.AvgPool2d(x[0], 2), U(93, -1, 1, 2, 2, 4, 4));
    [Test] public void AvgPool2dPadded() => Check(x => F.AvgPool2d(x[0], 3, stride: 2, padding: 1), U(94, -1, 1, 1, 2, 5, 6));

    // ---- layers and losses ------------------------------------------------------------------------

    [Test] public void LinearWithBias() => Check(x => F.Linear(x[0], x[1], x[2]), U(100, -1, 1, 4, 3), U(101, -1, 1, 2, 3), U(102, -1, 1, 2));
    [Test] public void LinearNoBias3d() => Check(x => F.Linear(x[0], x[1]), U(103, -1, 1, 2, 2, 3), U(104, -1, 1, 4, 3));
    [Test] public void LogSoftmaxDim0() => Check(x => F.LogSoftmax(x[0], 0), U(105, -2, 2, 3, 4));
    [Test] public void LogSoftmaxDim1() => Check(x => F.LogSoftmax(x[0], 1), U(106, -2, 2, 3, 4));

    [Test]
    public void CrossEntropyMean() => Check(x => F.CrossEntropy(x[0], x[1]), U(107, -2, 2, 4, 5), Const([0, 4, 2, 2], 4));

    [Test]
    public void CrossEntropySum() => Check(x => F.CrossEntropy(x[0], x[1], Reduction.Sum), U(108, -2, 2, 3, 4), Const([3, 0, 1], 3));

    [Test] public void MseLossMean() => Check(x => F.MseLoss(x[0], x[1]), U(109, -1, 1, 3, 4), U(110, -1, 1, 3, 4));
    [Test] public void MseLossSum() => Check(x => F.MseLoss(x[0], x[1], Reduction.Sum), U(111, -1, 1, 3, 4), U(112, -1, 1, 3, 4));

    [Test]
    public void TwoLayerNetwork() =>
        Check(x => F.CrossEntropy(F.Linear(F.Tanh(F.Linear(x[0], x[1], x[2])), x[3], x[4]), x[5]),
            U(120, -1, 1, 4, 3), U(121, -1, 1, 5, 3), U(122, -1, 1, 5), U(123, -1, 1, 2, 5), U(124, -1, 1, 2), Const([1, 0, 0, 1], 4));

    [Test]
    public void ConvPoolLinearNetwork() =>
        Check(x => F.MseLoss(F.Linear(F.AvgPool2d(F.Sigmoid(F.Conv2d(x[0], x[1], x[2], padding: 1)), 2).Flatten(1), x[3]), x[4]),
            U(125, -1, 1, 2, 1, 4, 4), U(126, -1, 1, 2, 1, 3, 3), U(127, -1, 1, 2), U(128, -1, 1, 3, 8), Const([0.5f, -1, 0, 1, 0.25f, 2], 2, 3));

    // ---- autograd semantics -----------------------------------------------------------------------

    [Test]
    public void NoGradientForInputsThatDoNotRequireIt()
    {
        var a = T([1f, 2f, 3f], 3).RequiresGrad_();
        var b = T([4f, 5f, 6f], 3);
        (a * b).Sum().Backward();
        Assert.That(b.Grad, Is.Null);
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(new[] { 4f, 5f, 6f }));
    }

    [Test]
    public void Conv2dWeightGradientWithoutInputGradient()
    {
        var input = T(Enumerable.Repeat(1f, 9).ToArray(), 1, 1, 3, 3);
        var weight = T([1f, 2f, 3f, 4f], 1, 1, 2, 2).RequiresGrad_();
        F.Conv2d(input, weight).Sum().Backward();
        Assert.That(input.Grad, Is.Null);
        // Each weight tap meets four input ones, one per output position.
        Assert.That(weight.Grad!.ToArray(), Is.EqualTo(new[] { 4f, 4f, 4f, 4f }));
    }

    [Test]
    public void GradientsAccumulateOverBackwardCalls()
    {
        var x = T([1f, -2f], 2).RequiresGrad_();
        (x * 3f).Sum().Backward();
        (x * 3f).Sum().Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 6f, 6f }));
    }

    [Test]
    public void TensorUsedTwiceInOneGraph()
    {
        var x = T([1f, -2f, 3f], 3).RequiresGrad_();
        (x * x + x).Sum().Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 3f, -3f, 7f }));
    }

    [Test]
    public void NoGradScopeRecordsNothing()
    {
        var x = T([1f, 2f], 2).RequiresGrad_();
        Tensor y;
        using (Tensor.NoGrad()) y = (x * 2f).Sum();
        Assert.That(y.RequiresGrad, Is.False);
        Assert.That(y.IsLeaf, Is.True);
        Assert.That(y.GradFnName, Is.Null);
        Assert.Throws<ConvEngineException>(() => y.Backward());
        // Recording resumes once the scope ends.
        Assert.That((x * 2f).RequiresGrad, Is.True);
    }

    [Test]
    public void DetachCutsTheGraph()
    {
        var x = T([1f, 2f], 2).RequiresGrad_();
        var d = x.Detach();
        Assert.That(d.RequiresGrad, Is.False);
        (d * x).Sum().Backward();
        // Only the undetached factor carries a gradient: d/dx (c·x) = c with c = x's values.
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 1f, 2f }));
    }

    [Test]
    public void MaxOfAllElementsSplitsTiesEvenly()
    {
        // a = torch.tensor([2., 2., 1.], requires_grad=True); a.max().backward(); a.grad → [0.5, 0.5, 0.]
        var a = T([2f, 2f, 1f], 3).RequiresGrad_();
        a.Max().Backward();
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(new[] { 0.5f, 0.5f, 0f }));
    }

    [Test]
    public void AssignmentIntoANonLeafIsRefusedWithAClearError()
    {
        // PyTorch rewrites the graph for b[0] = 5 (CopySlices); ConvEngine records no in-place writes, so it
        // refuses rather than risk a silently wrong gradient, and leaves b untouched.
        var a = T([1f, 2f], 2).RequiresGrad_();
        var b = a * 2f;
        var e = Assert.Throws<ConvEngineException>(() => b[0] = 5f);
        Assert.That(e!.Message, Does.StartWith("in-place assignment into a tensor that is part of an autograd graph is not supported"));
        Assert.That(b.ToArray(), Is.EqualTo(new[] { 2f, 4f }));
        using (Tensor.NoGrad()) b[0] = 5f; // allowed where nothing is recorded
        Assert.That(b.ToArray(), Is.EqualTo(new[] { 5f, 4f }));
    }

    [Test]
    public void BackwardOnNonScalarWithoutGradientThrows()
    {
        var y = T([1f, 2f], 2).RequiresGrad_() * 2f;
        // PyTorch: torch.ones(2, requires_grad=True).mul(2).backward() raises this text.
        Assert.That(() => y.Backward(), Throws.TypeOf<ConvEngineException>().With.Message.EqualTo("grad can be implicitly created only for scalar outputs"));
    }
}
