using F = ConvEngine.Functional;

namespace ConvEngine.Tests;

/// <summary>
/// <see cref="Tensor.ToString"/> must equal PyTorch's <c>repr</c> character for character. Every expected
/// string was printed by PyTorch 1.13 with <c>print(repr(repr(t)))</c> for the tensor built the same way
/// (the Python expression is the test case's name). Formatting does not depend on the backend, so these run on the CPU.
/// </summary>
public sealed class FormatTests
{
    private static Tensor Grad(params float[] data) => Tensor.FromArray(data).RequiresGrad_();

    private static TestCaseData Case(string python, Func<Tensor> make, string expected) =>
        new TestCaseData(make, expected).SetArgDisplayNames(python);

    public static IEnumerable<TestCaseData> Values()
    {
        yield return Case("corr2d(arange(9.).reshape(3, 3), arange(4.).reshape(2, 2))",
            () => F.Corr2d(Tensor.Arange(9).Reshape(3, 3), Tensor.Arange(4).Reshape(2, 2)),
            "tensor([[19., 25.],\n        [37., 43.]])");
        yield return Case("X = ones(6, 8); X[:, 2:6] = 0", () =>
            {
                var x = Tensor.Ones(6, 8);
                x[.., 2..6] = 0f;
                return x;
            },
            "tensor([[1., 1., 0., 0., 0., 0., 1., 1.],\n        [1., 1., 0., 0., 0., 0., 1., 1.],\n        [1., 1., 0., 0., 0., 0., 1., 1.],\n        [1., 1., 0., 0., 0., 0., 1., 1.],\n        [1., 1., 0., 0., 0., 0., 1., 1.],\n        [1., 1., 0., 0., 0., 0., 1., 1.]])");
        yield return Case("tensor([[-1., 2., -30.], [4., -5., 6.]])",
            () => Tensor.FromArray(new float[,] { { -1, 2, -30 }, { 4, -5, 6 } }),
            "tensor([[ -1.,   2., -30.],\n        [  4.,  -5.,   6.]])");
        yield return Case("tensor([[0.9478, -1.0233]])",
            () => Tensor.FromArray(new float[,] { { 0.9478f, -1.0233f } }),
            "tensor([[ 0.9478, -1.0233]])");
        yield return Case("tensor([[0.9478, -1.0233], [12.5, 0.25]])",
            () => Tensor.FromArray(new float[,] { { 0.9478f, -1.0233f }, { 12.5f, 0.25f } }),
            "tensor([[ 0.9478, -1.0233],\n        [12.5000,  0.2500]])");
        yield return Case("tensor([[0.4963, 0.7682, 0.0885], [0.1320, 0.3074, 0.6341]])",
            () => Tensor.FromArray(new float[,] { { 0.4963f, 0.7682f, 0.0885f }, { 0.1320f, 0.3074f, 0.6341f } }),
            "tensor([[0.4963, 0.7682, 0.0885],\n        [0.1320, 0.3074, 0.6341]])");
        // 0.03125 is a tie at four decimals: Python rounds half to even.
        yield return Case("tensor([0.03125, 1.5])", () => Tensor.FromArray([0.03125f, 1.5f]), "tensor([0.0312, 1.5000])");
        yield return Case("tensor([1e-5, 1.0])", () => Tensor.FromArray([1e-5f, 1f]), "tensor([1.0000e-05, 1.0000e+00])");
        yield return Case("tensor([1e9, 1.])", () => Tensor.FromArray([1e9f, 1f]), "tensor([1.0000e+09, 1.0000e+00])");
        // 1.03125 is a tie at four decimals in scientific mode too: half to even gives 1.0312e+00.
        yield return Case("tensor([1.03125, 2048.])", () => Tensor.FromArray([1.03125f, 2048f]), "tensor([1.0312e+00, 2.0480e+03])");
        yield return Case("tensor([[0.9478, -1.0233], [12.5, 0.0001]])",
            () => Tensor.FromArray(new float[,] { { 0.9478f, -1.0233f }, { 12.5f, 0.0001f } }),
            "tensor([[ 9.4780e-01, -1.0233e+00],\n        [ 1.2500e+01,  1.0000e-04]])");
        yield return Case("tensor(3.)", () => Tensor.Scalar(3f), "tensor(3.)");
        yield return Case("tensor(-0.25)", () => Tensor.Scalar(-0.25f), "tensor(-0.2500)");
        yield return Case("tensor([-0., 1.])", () => Tensor.FromArray([-0f, 1f]), "tensor([-0., 1.])");
        yield return Case("tensor([-0., 1.5])", () => Tensor.FromArray([-0f, 1.5f]), "tensor([-0.0000, 1.5000])");
        yield return Case("tensor([[[[10.]]]])", () => Tensor.Full([1, 1, 1, 1], 10f), "tensor([[[[10.]]]])");
        yield return Case("arange(8.).reshape(2, 2, 2)", () => Tensor.Arange(8).Reshape(2, 2, 2),
            "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])");
        yield return Case("arange(30.)", () => Tensor.Arange(30),
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n        28., 29.])");
        yield return Case("arange(2000.)", () => Tensor.Arange(2000),
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])");
        yield return Case("arange(1600.).reshape(40, 40)", () => Tensor.Arange(1600).Reshape(40, 40),
            "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 3.7000e+01, 3.8000e+01,\n         3.9000e+01],\n        [4.0000e+01, 4.1000e+01, 4.2000e+01,  ..., 7.7000e+01, 7.8000e+01,\n         7.9000e+01],\n        [8.0000e+01, 8.1000e+01, 8.2000e+01,  ..., 1.1700e+02, 1.1800e+02,\n         1.1900e+02],\n        ...,\n        [1.4800e+03, 1.4810e+03, 1.4820e+03,  ..., 1.5170e+03, 1.5180e+03,\n         1.5190e+03],\n        [1.5200e+03, 1.5210e+03, 1.5220e+03,  ..., 1.5570e+03, 1.5580e+03,\n         1.5590e+03],\n        [1.5600e+03, 1.5610e+03, 1.5620e+03,  ..., 1.5970e+03, 1.5980e+03,\n         1.5990e+03]])");
        yield return Case("tensor([nan, inf, -inf, 1.5])",
            () => Tensor.FromArray([float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1.5f]),
            "tensor([   nan,    inf,   -inf, 1.5000])");
        yield return Case("tensor([nan, 2., -inf])", () => Tensor.FromArray([float.NaN, 2f, float.NegativeInfinity]), "tensor([nan, 2., -inf])");
        yield return Case("zeros(2, 0)", () => Tensor.Zeros(2, 0), "tensor([], size=(2, 0))");
        yield return Case("zeros(0)", () => Tensor.Zeros(0), "tensor([])");
    }

    [TestCaseSource(nameof(Values))]
    public void Repr(Func<Tensor> make, string expected) => Assert.That(make().ToString(), Is.EqualTo(expected));

    public static IEnumerable<TestCaseData> Suffixes()
    {
        yield return Case("tensor([1., 2.], requires_grad=True)", () => Grad(1, 2), "tensor([1., 2.], requires_grad=True)");
        // The suffix moves to its own line when the first line (prefix included) would pass 80 columns.
        yield return Case("arange(11.).requires_grad_()", () => Tensor.Arange(11).RequiresGrad_(),
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10.],\n       requires_grad=True)");
        // A tensor factor, so this case is about the wrapping alone (the naming of x * 2 has its own case).
        yield return Case("arange(11.).requires_grad_() * 2", () => Tensor.Arange(11).RequiresGrad_() * Tensor.Scalar(2f),
            "tensor([ 0.,  2.,  4.,  6.,  8., 10., 12., 14., 16., 18., 20.],\n       grad_fn=<MulBackward0>)");
        yield return Case("x * 2", () => Grad(1, 2) * 2f, "tensor([2., 4.], grad_fn=<MulBackward0>)");
        yield return Case("x * y", () => Grad(1, 2) * Grad(3, 4), "tensor([3., 8.], grad_fn=<MulBackward0>)");
        yield return Case("x + 1", () => Grad(1, 2) + 1f, "tensor([2., 3.], grad_fn=<AddBackward0>)");
        yield return Case("x + y", () => Grad(1, 2) + Grad(3, 4), "tensor([4., 6.], grad_fn=<AddBackward0>)");
        yield return Case("x - 1", () => Grad(1, 2) - 1f, "tensor([0., 1.], grad_fn=<SubBackward0>)");
        yield return Case("x - y", () => Grad(1, 2) - Grad(3, 4), "tensor([-2., -2.], grad_fn=<SubBackward0>)");
        yield return Case("x / y", () => Grad(1, 2) / Grad(3, 4), "tensor([0.3333, 0.5000], grad_fn=<DivBackward0>)");
        yield return Case("-x", () => -Grad(1, 2), "tensor([-1., -2.], grad_fn=<NegBackward0>)");
        yield return Case("x ** 2", () => Grad(1, 2).Pow(2f), "tensor([1., 4.], grad_fn=<PowBackward0>)");
        yield return Case("x ** y", () => Grad(1, 2).Pow(Grad(3, 4)), "tensor([ 1., 16.], grad_fn=<PowBackward1>)");
        yield return Case("x.exp()", () => Grad(1, 2).Exp(), "tensor([2.7183, 7.3891], grad_fn=<ExpBackward0>)");
        yield return Case("x.log()", () => Grad(1, 2).Log(), "tensor([0.0000, 0.6931], grad_fn=<LogBackward0>)");
        yield return Case("x.sqrt()", () => Grad(1, 2).Sqrt(), "tensor([1.0000, 1.4142], grad_fn=<SqrtBackward0>)");
        yield return Case("x.abs()", () => Grad(1, 2).Abs(), "tensor([1., 2.], grad_fn=<AbsBackward0>)");
        yield return Case("x.sigmoid()", () => F.Sigmoid(Grad(1, 2)), "tensor([0.7311, 0.8808], grad_fn=<SigmoidBackward0>)");
        yield return Case("x.tanh()", () => F.Tanh(Grad(1, 2)), "tensor([0.7616, 0.9640], grad_fn=<TanhBackward0>)");
        yield return Case("x.relu()", () => F.Relu(Grad(1, 2)), "tensor([1., 2.], grad_fn=<ReluBackward0>)");
        yield return Case("x.sum()", () => Grad(1, 2).Sum(), "tensor(3., grad_fn=<SumBackward0>)");
        yield return Case("x.reshape(1, 2).sum(1)", () => Grad(1, 2).Reshape(1, 2).Sum(1), "tensor([3.], grad_fn=<SumBackward1>)");
        yield return Case("x.mean()", () => Grad(1, 2).Mean(), "tensor(1.5000, grad_fn=<MeanBackward0>)");
        yield return Case("x.view(1, 2).max(1)[0]", () => Grad(1, 2).View(1, 2).Max(1).Values, "tensor([2.], grad_fn=<MaxBackward0>)");
        yield return Case("x.view(2, 1)", () => Grad(1, 2).View(2, 1), "tensor([[1.],\n        [2.]], grad_fn=<ViewBackward0>)");
        yield return Case("x.clone()", () => Grad(1, 2).Clone(), "tensor([1., 2.], grad_fn=<CloneBackward0>)");
        yield return Case("x.unsqueeze(0)", () => Grad(1, 2).Unsqueeze(0), "tensor([[1., 2.]], grad_fn=<UnsqueezeBackward0>)");
        yield return Case("ones(2, 2).t()", () => Tensor.Ones(2, 2).RequiresGrad_().T(),
            "tensor([[1., 1.],\n        [1., 1.]], grad_fn=<TBackward0>)");
        yield return Case("ones(2, 2).transpose(0, 1)", () => Tensor.Ones(2, 2).RequiresGrad_().Transpose(0, 1),
            "tensor([[1., 1.],\n        [1., 1.]], grad_fn=<TransposeBackward0>)");
        yield return Case("ones(2, 2)[0]", () => Tensor.Ones(2, 2).RequiresGrad_()[0], "tensor([1., 1.], grad_fn=<SelectBackward0>)");
        yield return Case("ones(2, 2)[:, 0:1]", () => Tensor.Ones(2, 2).RequiresGrad_()[.., 0..1],
            "tensor([[1.],\n        [1.]], grad_fn=<SliceBackward0>)");
        yield return Case("ones(2, 1).expand(2, 3)", () => Tensor.Ones(2, 1).RequiresGrad_().Expand(2, 3),
            "tensor([[1., 1., 1.],\n        [1., 1., 1.]], grad_fn=<ExpandBackward0>)");
        yield return Case("a @ eye(2)", () => Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 } }).RequiresGrad_().Matmul(Tensor.FromArray(new float[,] { { 1, 0 }, { 0, 1 } })),
            "tensor([[1., 2.],\n        [3., 4.]], grad_fn=<MmBackward0>)");
        yield return Case("conv2d(ones(1, 1, 2, 2), ones(1, 1, 2, 2))", () => F.Conv2d(Tensor.Ones(1, 1, 2, 2), Tensor.Ones(1, 1, 2, 2).RequiresGrad_()),
            "tensor([[[[4.]]]], grad_fn=<ConvolutionBackward0>)");
        yield return Case("max_pool2d(ones(1, 1, 2, 2), 2)", () => F.MaxPool2d(Tensor.Ones(1, 1, 2, 2).RequiresGrad_(), 2),
            "tensor([[[[1.]]]], grad_fn=<MaxPool2DWithIndicesBackward0>)");
        yield return Case("avg_pool2d(ones(1, 1, 2, 2), 2)", () => F.AvgPool2d(Tensor.Ones(1, 1, 2, 2).RequiresGrad_(), 2),
            "tensor([[[[1.]]]], grad_fn=<AvgPool2DBackward0>)");
        yield return Case("linear(ones(1, 2), ones(1, 2), ones(1))", () => F.Linear(Tensor.Ones(1, 2), Tensor.Ones(1, 2).RequiresGrad_(), Tensor.Ones(1)),
            "tensor([[3.]], grad_fn=<AddmmBackward0>)");
        yield return Case("log_softmax(zeros(1, 2), 1)", () => F.LogSoftmax(Tensor.Zeros(1, 2).RequiresGrad_(), 1),
            "tensor([[-0.6931, -0.6931]], grad_fn=<LogSoftmaxBackward0>)");
        yield return Case("cross_entropy(zeros(1, 2), tensor([0]))", () => F.CrossEntropy(Tensor.Zeros(1, 2).RequiresGrad_(), Tensor.FromArray([0f])),
            "tensor(0.6931, grad_fn=<NllLossBackward0>)");
        yield return Case("mse_loss(x, zeros(2))", () => F.MseLoss(Grad(1, 2), Tensor.Zeros(2)), "tensor(2.5000, grad_fn=<MseLossBackward0>)");
    }

    [TestCaseSource(nameof(Suffixes))]
    public void ReprWithAutogradSuffix(Func<Tensor> make, string expected) => Assert.That(make().ToString(), Is.EqualTo(expected));
}
