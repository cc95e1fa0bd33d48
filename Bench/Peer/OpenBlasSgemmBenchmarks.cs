using BenchmarkDotNet.Attributes;

namespace ConvEngine.Bench.Peer;

/// <summary>
/// OpenBLAS SGEMM at the <see cref="GemmBenchmarks"/> shapes with <see cref="Threads"/> threads (as many as the
/// CPU backend uses): the limit the peer table measures GEMM and convolution rows against.
/// </summary>
public class OpenBlasSgemmBenchmarks : IHasWork
{
    private float[] _a = [], _b = [], _c = [];
    private Kernels.GemmParams _p;

    /// <summary>OpenBLAS's thread count: the cores the CPU backend uses.</summary>
    public static int Threads => Environment.ProcessorCount;

    /// <summary><c>linear</c> or <c>1024</c>, as in <see cref="GemmBenchmarks"/>.</summary>
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "";

    /// <summary>The values of <see cref="Shape"/>.</summary>
    public static IEnumerable<string> Shapes() => GemmBenchmarks.Shapes();

    /// <summary>Random A and B; OpenBLAS set to <see cref="Threads"/> threads.</summary>
    [GlobalSetup]
    public void Setup()
    {
        if (OpenBlas.UnavailableReason is { } reason) throw new InvalidOperationException(reason);
        OpenBlas.Threads = Threads;
        _p = GemmBenchmarks.Create(Shape);
        var rng = new Generator(0);
        (_a, _b, _c) = (new float[_p.M * _p.K], new float[_p.K * _p.N], new float[_p.M * _p.N]);
        rng.FillUniform(_a, -1f, 1f);
        rng.FillUniform(_b, -1f, 1f);
    }

    /// <summary>C = op(A) · op(B) by cblas_sgemm.</summary>
    [Benchmark]
    public void Sgemm() => OpenBlas.Sgemm(_p.TransA, _p.TransB, _p.M, _p.N, _p.K, 1f, _a, _b, 0f, _c);

    /// <inheritdoc/>
    public Work WorkOf(string method) => new GemmBenchmarks { Shape = Shape }.WorkOf(nameof(GemmBenchmarks.Gemm));
}
