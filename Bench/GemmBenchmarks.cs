using BenchmarkDotNet.Attributes;
using ConvEngine.Kernels;

namespace ConvEngine.Bench;

/// <summary>
/// Matrix products through the backend contract: <c>linear</c>, LeNet's first fully connected layer at batch 256,
/// y (256, 120) = x (256, 400) · Wᵀ with W stored (120, 400) as <c>nn.Linear</c> keeps it; and <c>1024</c>,
/// C = A · B with all three 1024 × 1024. 2·M·N·K flops.
/// </summary>
public class GemmBenchmarks : AcceleratorBenchmark, IHasWork
{
    private DeviceBuffer _a = null!, _b = null!, _c = null!;
    private GemmParams _p;

    /// <summary><c>linear</c> or <c>1024</c>.</summary>
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "";

    /// <summary>The values of <see cref="Shape"/>.</summary>
    public static IEnumerable<string> Shapes() => ["linear", "1024"];

    /// <summary>The product of shape <paramref name="name"/> (see the class summary).</summary>
    public static GemmParams Create(string name) => name switch
    {
        "linear" => new GemmParams(M: 256, N: 120, K: 400, TransB: true),
        "1024" => new GemmParams(M: 1024, N: 1024, K: 1024),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown GEMM shape"),
    };

    /// <summary>Random A and B on the device.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _p = Create(Shape);
        var rng = new Generator(0);
        (_a, _b, _c) = (DeviceBuffers.Uniform(Backend, rng, _p.M * _p.K), DeviceBuffers.Uniform(Backend, rng, _p.K * _p.N),
            Backend.Allocate(_p.M * _p.N));
    }

    /// <summary>C = op(A) · op(B).</summary>
    [Benchmark]
    public void Gemm()
    {
        Backend.Gemm(_p, _a, _b, _c);
        Synchronize();
    }

    /// <inheritdoc/>
    public Work WorkOf(string method)
    {
        var p = Create(Shape);
        return Work.Flops(2.0 * p.M * p.N * p.K);
    }
}
