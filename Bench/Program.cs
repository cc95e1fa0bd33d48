using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using ConvEngine.Bench;
using ConvEngine.Bench.Peer;

// `dotnet run -c Release --project Bench -- --filter '*'` runs every benchmark, `--list flat` lists them,
// `--job Dry` runs each once; `-- peer [--short]` prints the comparison with PyTorch and OpenBLAS.
if (args.Length > 0 && args[0] == "peer") return PeerCommand.Run(args[1..]);
var summaries = BenchmarkSwitcher.FromTypes(Suite.Types).Run(args, Suite.Config(DefaultConfig.Instance));
// BenchmarkDotNet reports a benchmark that failed to build or threw in its summary, not in its exit code.
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Length < s.BenchmarksCases.Length || s.Reports.Any(r => !r.Success)) ? 1 : 0;
