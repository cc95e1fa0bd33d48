using System.Globalization;
using System.Text;
using ConvEngine.Kernels;

namespace ConvEngine.Bench.Peer;

/// <summary>One line of the peer table: an op at a shape on one accelerator.</summary>
/// <param name="Op">E.g. <c>conv2d forward</c>.</param>
/// <param name="Shape">The shape as the table shows it.</param>
/// <param name="Accelerator">The device, or OpenBLAS's own label.</param>
/// <param name="Result">ConvEngine's (or OpenBLAS's) median time and work.</param>
/// <param name="TorchMilliseconds">PyTorch's median time for the same op and shape, when it has one.</param>
/// <param name="Limit">The throughput this row is measured against, when there is one.</param>
/// <param name="LimitName">What <paramref name="Limit"/> is, e.g. <c>SGEMM 1024³</c>.</param>
internal sealed record PeerRow(string Op, string Shape, string Accelerator, Measurement Result, double? TorchMilliseconds,
    double? Limit, string LimitName)
{
    /// <summary>ConvEngine's time over PyTorch's (below 1: ConvEngine is faster).</summary>
    public double? RatioToTorch => TorchMilliseconds is { } t ? Result.Milliseconds / t : null;

    /// <summary>The row's throughput as a fraction of its limit's.</summary>
    public double? FractionOfLimit => Limit is { } l ? Result.Throughput / l : null;
}

/// <summary>
/// Builds the peer table from the measurements: every op family and shape × every accelerator, with PyTorch's
/// time where ../shared/peer/torch_ops.py runs the same shape, and a limit: OpenBLAS SGEMM at the same shape for
/// GEMM rows, OpenBLAS SGEMM 1024³ for the convolution and LeNet rows (on accelerators that run on this CPU),
/// and the device's own memory copy for pooling.
/// </summary>
internal sealed class PeerTable(IReadOnlyList<Measurement> measurements, TorchPeer? torch, IReadOnlyList<IBackend> accelerators)
{
    /// <summary>OpenBLAS's label in the accelerator column.</summary>
    public static readonly string OpenBlasLabel = $"OpenBLAS, {OpenBlasSgemmBenchmarks.Threads} threads";

    /// <summary>The rows, grouped by op and shape, accelerators in probe order, then the OpenBLAS reference rows.</summary>
    public IReadOnlyList<PeerRow> Rows()
    {
        var rows = new List<PeerRow>();
        void Add(string op, string shape, string? torchPrefix, Func<string, Measurement?> measure, Func<IBackend, (double?, string)> limit)
        {
            foreach (var backend in accelerators)
                if (measure(backend.Name) is { } m)
                {
                    var (l, name) = limit(backend);
                    rows.Add(new PeerRow(op, shape, backend.Name, m, torchPrefix is null ? null : torch?.Milliseconds(torchPrefix), l, name));
                }
        }
        (double?, string) Sgemm1024(IBackend b) => (OnThisCpu(b) ? Sgemm("1024")?.Throughput : null, "SGEMM 1024³");
        foreach (string shape in Conv2dShapes.Names)
        {
            string label = Conv2dShapes.Describe(shape);
            foreach (var pass in new[] { "Forward", "BackwardInput", "BackwardWeight" })
                Add($"conv2d {PassName(pass)}", label, pass == "Forward" ? $"conv2d_fwd {shape} " : null,
                    a => Find<Conv2dBenchmarks>(pass, shape, a), Sgemm1024);
            Add("conv2d fwd+bwd", label, $"conv2d_fwd+bwd {shape} ",
                a => Sum(Find<Conv2dBenchmarks>("Forward", shape, a), Find<Conv2dBenchmarks>("BackwardInput", shape, a),
                    Find<Conv2dBenchmarks>("BackwardWeight", shape, a)), Sgemm1024);
        }
        string poolShape = $"{string.Join("×", Pool2dBenchmarks.InputShape)}, 2×2 stride 2";
        foreach (var mode in new[] { PoolMode.Max, PoolMode.Avg })
            foreach (var pass in new[] { "Forward", "Backward" })
                Add($"{mode.ToString().ToLowerInvariant()}_pool2d {PassName(pass)}", poolShape,
                    pass == "Forward" ? $"{mode.ToString().ToLowerInvariant()}_pool2d " : null,
                    a => Find<Pool2dBenchmarks>(pass, mode.ToString(), a),
                    b => (Find<MemoryCopyBenchmarks>("Copy", "", b.Name)?.Throughput, "memory copy"));
        Add("memory copy", $"{string.Join("×", Pool2dBenchmarks.InputShape)} floats", null,
            a => Find<MemoryCopyBenchmarks>("Copy", "", a), _ => (null, ""));
        foreach (string shape in GemmBenchmarks.Shapes())
            Add("gemm", GemmDescription(shape), shape == "linear" ? "linear " : "matmul ", a => Find<GemmBenchmarks>("Gemm", shape, a),
                b => (OnThisCpu(b) ? Sgemm(shape)?.Throughput : null, $"SGEMM {GemmDescription(shape)}"));
        foreach (string variant in new[] { "d2l", "relu" })
            Add("LeNet training step", $"{variant}, batch 256", null, a => Find<LeNetStepBenchmarks>("TrainStep", variant, a), Sgemm1024);
        foreach (string shape in GemmBenchmarks.Shapes())
            if (Sgemm(shape) is { } m)
                rows.Add(new PeerRow("sgemm (limit)", GemmDescription(shape), OpenBlasLabel, m, shape == "linear" ? torch?.Milliseconds("linear ") : torch?.Milliseconds("matmul "), null, ""));
        return rows;
    }

    /// <summary>The table as markdown: one line per row.</summary>
    public static string Markdown(IEnumerable<PeerRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| op | shape | accelerator | time | throughput | PyTorch | ÷ PyTorch | of limit |");
        text.AppendLine("|---|---|---|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            text.AppendLine(string.Join(" | ", [
                $"| {r.Op}", r.Shape, r.Accelerator, Ms(r.Result.Milliseconds),
                $"{F(r.Result.Throughput, r.Result.Throughput < 10 ? "0.00" : "0.0")} {(r.Result.Work.Unit == WorkUnit.Flop ? "GFLOP/s" : "GB/s")}",
                r.TorchMilliseconds is { } t ? Ms(t) : "–",
                r.RatioToTorch is { } q ? $"{F(q, "0.00")}×" : "–",
                r.FractionOfLimit is { } f ? $"{F(100 * f, "0")}% {r.LimitName}" : "–"]) + " |");
        return text.ToString();
    }

    /// <summary>Milliseconds with three significant digits for the common range.</summary>
    public static string Ms(double ms) => $"{F(ms, ms < 1 ? "0.000" : ms < 10 ? "0.00" : ms < 100 ? "0.0" : "0")} ms";

    /// <summary>Invariant-culture formatting.</summary>
    public static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The OpenBLAS measurement at GEMM shape <paramref name="shape"/>, if it ran.</summary>
    public Measurement? Sgemm(string shape) => Find<OpenBlasSgemmBenchmarks>("Sgemm", shape, "cpu");

    /// <summary>The measurement of <typeparamref name="T"/>.<paramref name="method"/> at <paramref name="parameters"/> on <paramref name="accelerator"/>.</summary>
    public Measurement? Find<T>(string method, string parameters, string accelerator) => measurements.FirstOrDefault(m =>
        m.Class == typeof(T) && m.Method == method && m.Parameters == parameters && m.Accelerator == accelerator);

    /// <summary>
    /// Whether the OpenBLAS limit applies: the managed CPU backend, or an OpenCL device that is not a GPU (PoCL runs
    /// on these same cores). A GPU is not measured against a CPU library.
    /// </summary>
    private static bool OnThisCpu(IBackend backend) => backend is Kernels.Cpu.CpuBackend or Kernels.OpenCl.OpenClBackend { IsGpu: false };

    /// <summary>The three passes run one after another: the sum of their times and of their work.</summary>
    private static Measurement? Sum(params Measurement?[] parts) =>
        parts.Any(p => p is null) ? null
            : parts[0]! with { Method = "ForwardBackward", Nanoseconds = parts.Sum(p => p!.Nanoseconds), Work = Work.Flops(parts.Sum(p => p!.Work.Amount)) };

    private static string PassName(string method) => method switch
    {
        "Forward" => "forward",
        "Backward" => "backward",
        "BackwardInput" => "backward-input",
        "BackwardWeight" => "backward-weight",
        _ => method,
    };

    private static string GemmDescription(string shape) => shape == "linear" ? "256×400 · (120×400)ᵀ" : "1024³";
}
