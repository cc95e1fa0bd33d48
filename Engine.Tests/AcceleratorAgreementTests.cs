using ConvEngine.Kernels;
using ConvEngine.Kernels.Cpu;
using ConvEngine.Kernels.Dialect;

namespace ConvEngine.Tests;

/// <summary>
/// Every backend method on each accelerator device (opencl:N, cuda:N) against the CPU backend, the reference
/// semantics, on the same random inputs, including the cases the shared tests reach rarely: strides and paddings that leave pixels outside every window,
/// transposed and batched products with β, ties and NaN in maxima, broadcasting over non-contiguous views, and
/// shapes large enough to take the split and multi-block kernel paths. Outputs start as 7 on both sides, so an
/// output that is accumulated into instead of overwritten shows. Tolerance per element is the golden suite's,
/// |got − want| ≤ 1e-4 + 1e-3·|want|, with NaN and infinities required in the same places; pooling, reductions by
/// maximum, strided copies and the optimizer steps run the CPU's own order of operations and must agree exactly.
/// The tiled products run both ways (see tiles.h): staged in local memory, as on GPUs, and from registers, as on
/// CPU devices, whichever way this device uses by default.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.AcceleratorFixtures))]
public sealed class AcceleratorAgreementTests(string deviceName) : BackendFixture(deviceName)
{
    private static readonly IBackend Cpu = CpuBackend.Instance;
    private DialectBackend _device = null!;
    private bool _deviceLocalTiles;

    [OneTimeSetUp]
    public void FindDevice()
    {
        _device = (DialectBackend)Device.Backend;
        _deviceLocalTiles = _device.LocalTiles;
    }

    [TearDown]
    public void RestoreTiling() => _device.LocalTiles = _deviceLocalTiles;

    // ---- convolution ---------------------------------------------------------------------------------------

    // (N, C, H, W, O, KH, KW, stride, padding): LeNet's two layers, strides that skip pixels, uneven padding,
    // 1×1 kernels, a kernel as large as the padded input, an empty batch.
    [TestCase(4, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2)]
    [TestCase(4, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0)]
    [TestCase(2, 3, 9, 11, 5, 3, 2, 2, 3, 1, 0)]
    [TestCase(3, 2, 8, 8, 4, 3, 3, 3, 3, 1, 1)]
    [TestCase(2, 70, 6, 5, 67, 1, 1, 1, 1, 0, 0)]
    [TestCase(1, 2, 3, 3, 2, 5, 5, 1, 1, 1, 1)]
    [TestCase(0, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1)]
    public void Conv2d_AllThreePasses(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        var p = Conv2dParams.Create([n, c, h, w], [o, c, kh, kw], [o], (sh, sw), (ph, pw));
        float[] x = Random(p.InputSize, 1), weight = Random(p.WeightSize, 2), bias = Random(p.O, 3), gy = Random(p.OutputSize, 4);
        foreach (string tiles in BothTilings())
        {
            Agree($"forward, {tiles}", [x, weight, bias], [p.OutputSize], (b, i, o) => b.Conv2dForward(p, i[0], i[1], i[2], o[0]));
            Agree($"forward without bias, {tiles}", [x, weight], [p.OutputSize], (b, i, o) => b.Conv2dForward(p, i[0], i[1], null, o[0]));
            Agree($"backward-input, {tiles}", [gy, weight], [p.InputSize], (b, i, o) => b.Conv2dBackwardInput(p, i[0], i[1], o[0]));
            Agree($"backward-weight, {tiles}", [x, gy], [p.WeightSize, p.O], (b, i, o) => b.Conv2dBackwardWeight(p, i[0], i[1], o[0], o[1]));
            Agree($"backward-weight without bias, {tiles}", [x, gy], [p.WeightSize], (b, i, o) => b.Conv2dBackwardWeight(p, i[0], i[1], o[0], null));
        }
    }

    // ---- pooling -------------------------------------------------------------------------------------------

    // (mode, N, C, H, W, K, stride, padding): 2×2 pairs with odd sizes, overlapping windows, padding, wide strides.
    [TestCase(PoolMode.Max, 2, 3, 7, 9, 2, 2, 0)]
    [TestCase(PoolMode.Avg, 2, 3, 7, 9, 2, 2, 0)]
    [TestCase(PoolMode.Max, 1, 2, 8, 8, 3, 1, 1)]
    [TestCase(PoolMode.Avg, 1, 2, 8, 8, 3, 1, 1)]
    [TestCase(PoolMode.Max, 2, 1, 10, 7, 3, 2, 1)]
    [TestCase(PoolMode.Avg, 2, 1, 10, 7, 4, 3, 2)]
    public void Pool2d_ForwardAndBackward_Exactly(PoolMode mode, int n, int c, int h, int w, int k, int stride, int padding)
    {
        var p = Pool2dParams.Create(mode, [n, c, h, w], (k, k), (stride, stride), (padding, padding));
        // Few distinct values, so windows hold ties; a NaN and a −∞ to place.
        float[] x = Random(p.InputSize, 5).Select(v => MathF.Round(v * 2)).ToArray(), gy = Random(p.OutputSize, 6);
        x[3] = float.NaN;
        x[p.InputSize / 2] = float.NegativeInfinity;
        Agree("forward", [x], [p.OutputSize], (b, i, o) => b.Pool2dForward(p, i[0], o[0]), exact: true);
        Agree("backward", [x, gy], [p.InputSize], (b, i, o) => b.Pool2dBackward(p, i[0], i[1], o[0]), exact: true);
    }

    // ---- matrix product ------------------------------------------------------------------------------------

    // (M, N, K, transA, transB, alpha, beta, batch, strideB): every tile variant, edges, K = 0, a shared B.
    [TestCase(256, 120, 400, false, true, 1f, 0f, 1, -1)]
    [TestCase(6, 1000, 25, false, false, 1f, 0f, 1, -1)]
    [TestCase(300, 10, 84, true, false, 2f, 0.5f, 1, -1)]
    [TestCase(7, 9, 3, true, true, -1f, 1f, 3, -1)]
    [TestCase(33, 17, 65, false, false, 1f, 0f, 4, 0)]
    [TestCase(5, 4, 0, false, false, 1f, 2f, 2, -1)]
    public void Gemm_MatchesCpu(int m, int n, int k, bool ta, bool tb, float alpha, float beta, int batch, int strideB)
    {
        var p = new GemmParams(m, n, k, ta, tb, alpha, beta, batch, StrideB: strideB);
        float[] a = Random(batch * m * k, 7), b = Random(batch * k * n, 8), c = Random(batch * m * n, 9);
        foreach (string tiles in BothTilings())
            Agree($"gemm, {tiles}", [a, b, c], [], (be, i, _) => be.Gemm(p, i[0], i[1], i[2]), resultsFromInputs: [2]);
    }

    [Test]
    public void Gemm_BetaZero_IgnoresNaNInC()
    {
        var p = new GemmParams(3, 4, 5);
        float[] c = Enumerable.Repeat(float.NaN, 12).ToArray();
        Agree("gemm", [Random(15, 1), Random(20, 2), c], [], (be, i, _) => be.Gemm(p, i[0], i[1], i[2]), resultsFromInputs: [2]);
    }

    // ---- reductions, softmax, losses ----------------------------------------------------------------------

    // (outer, axis, inner): whole-tensor sums, rows, columns, few long columns, many short ones.
    [TestCase(1, 5000, 1)]
    [TestCase(300, 10, 1)]
    [TestCase(4, 7, 600)]
    [TestCase(2, 3000, 3)]
    [TestCase(1, 1, 1)]
    public void Reductions_SumMaxLogSoftmax(int outer, int axis, int inner)
    {
        var p = new ReduceParams(outer, axis, inner);
        float[] x = Random(p.InputSize, 10).Select(v => MathF.Round(v * 3)).ToArray(), gy = Random(p.InputSize, 11);
        Agree("sum", [x], [p.OutputSize], (b, i, o) => b.ReduceSum(p, i[0], o[0]));
        Agree("max", [x], [p.OutputSize, p.OutputSize], (b, i, o) => b.ReduceMax(p, i[0], o[0], o[1]), exact: true);
        Agree("log-softmax", [x], [p.InputSize], (b, i, o) => b.LogSoftmax(p, i[0], o[0]));
        Agree("log-softmax backward", [Random(p.InputSize, 12).Select(v => -v).ToArray(), gy], [p.InputSize],
            (b, i, o) => b.LogSoftmaxBackward(p, i[0], i[1], o[0]));
    }

    [Test]
    public void ReduceMax_NaNWinsAtItsFirstPlace_AndTiesKeepTheFirst()
    {
        // Rows of 600 (work-group path) and columns (work-item path), each with ties, NaNs or only −∞.
        foreach (var p in new[] { new ReduceParams(3, 600, 1), new ReduceParams(1, 5, 2000) })
        {
            var x = new float[p.InputSize];
            for (int i = 0; i < x.Length; i++) x[i] = i % 7 == 0 ? 9f : 1f;
            x[450] = float.NaN;
            x[470] = float.NaN;
            for (int i = 1200; i < 1800; i++) x[i] = float.NegativeInfinity;
            Agree("max", [x], [p.OutputSize, p.OutputSize], (b, i, o) => b.ReduceMax(p, i[0], o[0], o[1]), exact: true);
        }
    }

    [Test]
    public void LogSoftmax_NaNAndInfinityPoisonTheirRowsOnly()
    {
        var p = new ReduceParams(4, 3, 1);
        float[] x = [1, 2, 3, float.NaN, 0, 0, float.PositiveInfinity, 1, 2, float.NegativeInfinity, 0, 1];
        Agree("log-softmax", [x], [12], (b, i, o) => b.LogSoftmax(p, i[0], o[0]));
    }

    [TestCase(1000, 10, true)]
    [TestCase(3, 4, false)]
    [TestCase(0, 4, true)]
    public void NllLoss_ForwardAndBackward(int rows, int cols, bool mean)
    {
        float[] logProbs = Random(rows * cols, 13).Select(v => -v).ToArray();
        float[] targets = Enumerable.Range(0, rows).Select(r => (float)(r * 7 % cols)).ToArray();
        Agree("nll", [logProbs, targets], [1], (b, i, o) => b.NllLoss(rows, cols, i[0], i[1], o[0], mean));
        Agree("nll backward", [targets, [0.75f]], [rows * cols], (b, i, o) => b.NllLossBackward(rows, cols, i[0], i[1], o[0], mean), exact: true);
    }

    // ---- element-wise -------------------------------------------------------------------------------------

    [Test]
    public void Unary_EveryOp_WithItsDerivative([Values] UnaryOp op)
    {
        float[] x = [.. Random(1000, 14).Select(v => (v - 0.5f) * 8), float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f];
        float scalar = op == UnaryOp.PowScalar ? 3f : 1.5f;
        Agree($"{op}", [x], [x.Length], (b, i, o) => b.Unary(op, i[0], o[0], x.Length, scalar));
        if (op is UnaryOp.Neg or UnaryOp.AddScalar or UnaryOp.MulScalar or UnaryOp.NonFinite) return;
        float[] positive = Random(x.Length, 15).Select(v => v + 0.1f).ToArray(), gy = Random(x.Length, 16);
        float[] y = Downloaded(Cpu, Run(Cpu, op, Uploaded(Cpu, positive), x.Length, scalar)); // the forward output
        Agree($"{op}'", [positive, y, gy], [x.Length], (b, i, o) => b.UnaryBackward(op, i[0], i[1], i[2], o[0], x.Length, scalar));
    }

    [Test]
    public void Binary_EveryOp_Broadcasting([Values] BinaryOp op)
    {
        // a (3, 1, 5) as a transposed view of (5, 3) storage; b (4, 5) broadcast to (3, 4, 5); dst a column slice.
        float[] a = Random(15, 17).Select(v => MathF.Round(v * 4) - 1).ToArray(), b = Random(20, 18).Select(v => MathF.Round(v * 4) - 1).ToArray();
        a[4] = float.NaN;
        int[] shape = [3, 4, 5];
        Agree($"{op}", [a, b], [3 * 4 * 6], (be, i, o) => be.Binary(op,
            new StridedView(i[0], 0, shape, [1, 0, 3]), new StridedView(i[1], 0, shape, [0, 5, 1]), new StridedView(o[0], 1, shape, [24, 6, 1])));
        Agree($"{op} contiguous", [a, a.Reverse().ToArray()], [15], (be, i, o) => be.Binary(op,
            StridedView.Contiguous(i[0], [15]), StridedView.Contiguous(i[1], [15]), StridedView.Contiguous(o[0], [15])));
    }

    [Test]
    public void Copy_StridedViews_Exactly()
    {
        float[] x = Random(2 * 3 * 4 * 5 * 2, 19);
        // A permuted 5-d view into the middle of a larger buffer, and a rank-9 view that merges down to rank 1.
        int[] shape = [5, 4, 2, 3, 2];
        Agree("permute", [x], [250], (b, i, o) => b.Copy(new StridedView(i[0], 0, shape, [2, 10, 1, 40, 120]), new StridedView(o[0], 7, shape, [48, 12, 6, 2, 1])), exact: true);
        int[] nine = [2, 1, 2, 2, 1, 3, 2, 5, 1];
        Agree("rank 9", [x], [240], (b, i, o) => b.Copy(StridedView.Contiguous(i[0], nine), new StridedView(o[0], 0, nine, StridedView.ContiguousStrides(nine))), exact: true);
        // Overlapping source and destination in one buffer: shift right by one.
        Agree("overlap", [], [240], (b, _, o) => b.Copy(StridedView.Contiguous(o[0], [200]), new StridedView(o[0], 1, [200], [1])), exact: true);
    }

    [Test]
    public void Fill_WritesOnlyItsRange() =>
        Agree("fill", [], [100], (b, _, o) => b.Fill(o[0], 10, 37, -2.5f), exact: true);

    // ---- optimizers ---------------------------------------------------------------------------------------

    [TestCase(0f, 0f, false, true)]
    [TestCase(0.9f, 0.01f, false, false)]
    [TestCase(0.9f, 0f, true, false)]
    public void SgdStep_Exactly(float momentum, float weightDecay, bool nesterov, bool firstStep)
    {
        var p = new SgdParams(0.1f, momentum, 0.1f, weightDecay, nesterov, firstStep);
        float[] w = Random(777, 20), g = Random(777, 21), buf = Random(777, 22);
        if (momentum == 0f)
            Agree("sgd", [w, g], [], (b, i, _) => b.SgdStep(p, i[0], i[1], null, 777), resultsFromInputs: [0], exact: true);
        else
            Agree("sgd", [w, g, buf], [], (b, i, _) => b.SgdStep(p, i[0], i[1], i[2], 777), resultsFromInputs: [0, 2], exact: true);
    }

    [TestCase(0f, 1)]
    [TestCase(0.01f, 7)]
    public void AdamStep_Exactly(float weightDecay, int step)
    {
        var p = AdamParams.For(1e-3, 0.9, 0.999, 1e-8, weightDecay, step);
        float[] w = Random(999, 23), g = Random(999, 24), m = Random(999, 25), v = Random(999, 26);
        Agree("adam", [w, g, m, v], [], (b, i, _) => b.AdamStep(p, i[0], i[1], i[2], i[3], 999), resultsFromInputs: [0, 2, 3], exact: true);
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /// <summary>Switches the device to each way of running tiled products in turn (see tiles.h), naming it.</summary>
    private IEnumerable<string> BothTilings()
    {
        foreach (bool local in new[] { false, true })
        {
            _device.LocalTiles = local;
            yield return local ? "tiles in local memory" : "tiles in registers";
        }
    }

    /// <summary>
    /// Uploads <paramref name="inputs"/> to both backends, allocates outputs of the given lengths filled with 7,
    /// runs <paramref name="op"/> on each, and compares the outputs and the inputs listed in
    /// <paramref name="resultsFromInputs"/> (those the op updates in place).
    /// </summary>
    private void Agree(string what, float[][] inputs, int[] outputs, Action<IBackend, DeviceBuffer[], DeviceBuffer[]> op,
        bool exact = false, int[]? resultsFromInputs = null)
    {
        float[][] Run(IBackend backend)
        {
            var ins = inputs.Select(data => Uploaded(backend, data)).ToArray();
            var outs = outputs.Select(length => Uploaded(backend, Enumerable.Repeat(7f, length).ToArray())).ToArray();
            op(backend, ins, outs);
            return [.. (resultsFromInputs ?? []).Select(i => ins[i]).Concat(outs).Select(buffer => Downloaded(backend, buffer))];
        }
        float[][] want = Run(Cpu), got = Run(_device);
        for (int r = 0; r < want.Length; r++)
            for (int i = 0; i < want[r].Length; i++)
            {
                float g = got[r][i], w = want[r][i];
                bool same = float.IsNaN(w) ? float.IsNaN(g)
                    : exact || float.IsInfinity(w) ? g.Equals(w)
                    : Math.Abs(g - w) <= 1e-4 + 1e-3 * Math.Abs(w);
                if (!same) Assert.Fail($"{what}: result {r}, element {i}: {_device.Name} {g:R}, cpu {w:R}");
            }
    }

    private static DeviceBuffer Uploaded(IBackend backend, float[] data)
    {
        var buffer = backend.Allocate(data.Length);
        backend.Upload(data, buffer);
        return buffer;
    }

    private static float[] Downloaded(IBackend backend, DeviceBuffer buffer)
    {
        var data = new float[buffer.Length];
        backend.Download(buffer, 0, data);
        return data;
    }

    private static DeviceBuffer Run(IBackend backend, UnaryOp op, DeviceBuffer x, int n, float scalar)
    {
        var y = backend.Allocate(n);
        backend.Unary(op, x, y, n, scalar);
        return y;
    }

    // Uniform in [0, 1), reproducibly.
    private static float[] Random(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => rng.NextSingle()).ToArray();
    }
}
