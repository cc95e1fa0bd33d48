using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace ConvEngine.Bench.Peer;

/// <summary>
/// <c>peer [--short] [--accelerator NAME]... [--torch-ops PATH]</c>: in one session, PyTorch's CPU timings
/// (../shared/peer/torch_ops.py), OpenBLAS SGEMM, and the whole benchmark suite on every accelerator (or the named
/// ones), then one markdown table (<see cref="PeerTable"/>) and the distance to the CPU targets on standard output.
/// Progress goes to standard error; a missing PyTorch or OpenBLAS is reported in one line and leaves its columns empty.
/// </summary>
internal static class PeerCommand
{
    private const string Usage = "usage: peer [--short] [--accelerator NAME]... [--torch-ops PATH]";

    /// <summary>Runs the comparison; 0 when every benchmark ran, 1 when one failed, 2 for bad arguments.</summary>
    public static int Run(string[] args)
    {
        bool quick = false;
        var wanted = new List<string>();
        string? torchOps = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--short": quick = true; break;
                case "--accelerator" or "--torch-ops" when i + 1 == args.Length:
                    Console.Error.WriteLine($"error: {args[i]} needs a value; {Usage}");
                    return 2;
                case "--accelerator": wanted.Add(args[++i]); break;
                case "--torch-ops": torchOps = args[++i]; break;
                default:
                    Console.Error.WriteLine($"error: unexpected argument '{args[i]}'; {Usage}");
                    return 2;
            }
        }
        var accelerators = Accelerator.All().Select(a => a.Backend).Where(b => wanted.Count == 0 || wanted.Contains(b.Name)).ToList();
        if (wanted.Except(accelerators.Select(b => b.Name)) is var missing && missing.Any())
        {
            Console.Error.WriteLine($"error: no accelerator named {string.Join(", ", missing)} here (present: {string.Join(", ", Accelerator.All())})");
            return 2;
        }

        int threads = OpenBlasSgemmBenchmarks.Threads;
        torchOps ??= DefaultTorchOps();
        Console.Error.WriteLine($"PyTorch: {torchOps}, {threads} threads ...");
        var (torch, torchProblem) = TorchPeer.Run(torchOps, threads);
        if (torchProblem is not null) Console.Error.WriteLine($"note: {torchProblem}; the PyTorch columns stay empty");
        if (OpenBlas.UnavailableReason is { } blasProblem)
            Console.Error.WriteLine($"note: {blasProblem}; the SGEMM limit stays empty");

        string log = Path.Combine(Path.GetTempPath(), $"convengine-peer-{DateTime.Now:yyyyMMdd-HHmmss}.log");
        using var logger = new ProgressLogger(log);
        var types = OpenBlas.UnavailableReason is null ? [typeof(OpenBlasSgemmBenchmarks), .. Suite.Types] : Suite.Types;
        Console.Error.WriteLine($"ConvEngine and OpenBLAS ({(quick ? "short" : "full")} job; BenchmarkDotNet log: {log}) ...");
        var summaries = BenchmarkRunner.Run(types, Config(quick, logger, accelerators.Select(b => b.Name).ToHashSet()));
        var measurements = summaries.SelectMany(Measurement.From).ToList();
        var failed = summaries.SelectMany(s => s.Reports).Where(r => !r.Success).Select(r => r.BenchmarkCase.DisplayInfo).ToList();

        var table = new PeerTable(measurements, torch, accelerators);
        var rows = table.Rows();
        Console.WriteLine($"ConvEngine benchmarks, {DateTime.Now:yyyy-MM-dd}: {Machine.Describe()}.");
        Console.WriteLine($"Peers: PyTorch {torch?.Version ?? "(absent)"} CPU and {(OpenBlas.UnavailableReason is null ? OpenBlas.Config : "OpenBLAS (absent)")}, "
            + $"both {threads} threads. Times are medians ({(quick ? "short job: 1 warm-up, 3 iterations" : "3 warm-ups, 10 iterations")}; PyTorch: 30 runs).");
        Console.WriteLine();
        Console.Write(PeerTable.Markdown(rows));
        Console.WriteLine();
        Console.Write(Targets(table, rows));
        foreach (string f in failed) Console.Error.WriteLine($"error: benchmark failed: {f} (see {log})");
        return failed.Count == 0 ? 0 : 1;
    }

    /// <summary>In-process runs (no generated project to build), medians, only the chosen accelerators.</summary>
    private static IConfig Config(bool quick, ProgressLogger logger, HashSet<string> accelerators)
    {
        var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1)
            .WithWarmupCount(quick ? 1 : 3).WithIterationCount(quick ? 3 : 10)
            .WithIterationTime(TimeInterval.FromMilliseconds(quick ? 100 : 250));
        return ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(logger)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.Median)
            .AddFilter(new SimpleFilter(c => c.Parameters.Items.FirstOrDefault(p => p.Name == nameof(AcceleratorBenchmark.Accelerator)) is not { } a
                || accelerators.Contains(a.Value.ToString()!)))
            .WithOptions(ConfigOptions.DisableLogFile);
    }

    /// <summary>The issue's CPU targets against this run's CPU rows, one line each.</summary>
    private static string Targets(PeerTable table, IReadOnlyList<PeerRow> rows)
    {
        var text = new System.Text.StringBuilder("CPU targets (cpu rows):\n");
        var cpu = rows.Where(r => r.Accelerator == "cpu").ToList();
        if (cpu.FirstOrDefault(r => r.Op == "gemm" && r.Shape == "1024³") is { FractionOfLimit: { } g })
            text.AppendLine($"- GEMM 1024³ at ≥ 70% of OpenBLAS: {PeerTable.F(100 * g, "0")}%");
        foreach (var r in cpu.Where(r => r.Op is "conv2d forward" or "conv2d fwd+bwd" && r.RatioToTorch is not null))
            text.AppendLine($"- {r.Op} {r.Shape} faster than PyTorch: {PeerTable.Ms(r.Result.Milliseconds)} vs {PeerTable.Ms(r.TorchMilliseconds!.Value)}, "
                + $"{PeerTable.F(r.RatioToTorch!.Value, "0.00")}× its time");
        foreach (var r in cpu.Where(r => r.Op.Contains("pool2d") && r.FractionOfLimit is not null))
            text.AppendLine($"- {r.Op} at memory speed: {PeerTable.F(r.Result.Throughput, "0.0")} GB/s, "
                + $"{PeerTable.F(100 * r.FractionOfLimit!.Value, "0")}% of the copy's {PeerTable.F(table.Find<MemoryCopyBenchmarks>("Copy", "", "cpu")!.Throughput, "0.0")} GB/s");
        return text.ToString();
    }

    /// <summary>../shared/peer/torch_ops.py beside the repository that holds ConvEngine.sln above the working directory or this program.</summary>
    private static string DefaultTorchOps()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ConvEngine.sln")))
                    return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "peer", "torch_ops.py"));
        return Path.GetFullPath(Path.Combine("..", "shared", "peer", "torch_ops.py"));
    }
}
