using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ConvEngine.Bench.Peer;

/// <summary>
/// PyTorch's CPU timings of the shared shapes: runs ../shared/peer/torch_ops.py with Debian's python3-torch
/// (<c>/usr/bin/python3</c>) and reads its lines <c>NAME median_ms ms GFLOP/s GFLOP/s</c>.
/// </summary>
internal sealed partial class TorchPeer
{
    /// <summary>The interpreter with Debian's python3-torch (a plain <c>python3</c> elsewhere on PATH may lack torch).</summary>
    public const string Python = "/usr/bin/python3";

    private readonly Dictionary<string, double> _milliseconds;

    private TorchPeer(string version, Dictionary<string, double> milliseconds) => (Version, _milliseconds) = (version, milliseconds);

    /// <summary>The torch version, e.g. 1.13.0a0.</summary>
    public string Version { get; }

    /// <summary>The median time in ms of the peer operator whose name starts with <paramref name="prefix"/>, if it ran one.</summary>
    public double? Milliseconds(string prefix) =>
        _milliseconds.FirstOrDefault(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)) is { Key: not null } kv ? kv.Value : null;

    /// <summary>
    /// Runs <paramref name="script"/> with <paramref name="threads"/> threads and returns its timings, or null and
    /// the reason in one line when the script, Python or torch is missing or the script fails.
    /// </summary>
    public static (TorchPeer? Peer, string? Problem) Run(string script, int threads)
    {
        if (!File.Exists(script)) return (null, $"PyTorch peer script not found at {script} (pass --torch-ops PATH)");
        if (!File.Exists(Python)) return (null, $"{Python} not found (Debian: apt-get install python3-torch)");
        var (versionCode, version, _) = Execute("-c \"import torch; print(torch.__version__)\"");
        if (versionCode != 0) return (null, $"PyTorch is not installed for {Python} (Debian: apt-get install python3-torch)");
        var (code, output, error) = Execute($"\"{script}\" {threads}");
        if (code != 0)
            return (null, $"{script} failed (exit {code}): {error.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()}");
        var times = new Dictionary<string, double>();
        foreach (Match m in TimingLine().Matches(output))
            times[m.Groups["name"].Value] = double.Parse(m.Groups["ms"].Value, CultureInfo.InvariantCulture);
        return times.Count == 0
            ? (null, $"{script} printed no timings")
            : (new TorchPeer(version.Trim(), times), null);
    }

    private static (int Code, string Output, string Error) Execute(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(Python, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    [GeneratedRegex(@"^(?<name>\S.*?)\s+(?<ms>[0-9.]+) ms\s+[0-9.]+ GFLOP/s\s*$", RegexOptions.Multiline)]
    private static partial Regex TimingLine();
}
