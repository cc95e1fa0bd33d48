using System.Text.RegularExpressions;
using BenchmarkDotNet.Loggers;

namespace ConvEngine.Bench.Peer;

/// <summary>
/// BenchmarkDotNet's log for the peer run: everything to a file, and one progress line per benchmark case to
/// standard error, so standard output carries only the table.
/// </summary>
internal sealed partial class ProgressLogger(string path) : ILogger, IDisposable
{
    private readonly StreamWriter _file = new(path);
    private int _cases;

    /// <inheritdoc/>
    public string Id => nameof(ProgressLogger);

    /// <inheritdoc/>
    public int Priority => 0;

    /// <inheritdoc/>
    public void Write(LogKind logKind, string text) => _file.Write(text);

    /// <inheritdoc/>
    public void WriteLine() => _file.WriteLine();

    /// <inheritdoc/>
    public void WriteLine(LogKind logKind, string text)
    {
        _file.WriteLine(text);
        // BenchmarkDotNet announces each case as "// Benchmark: Class.Method: Job(settings) [Param=value, ...]".
        if (Announcement().Match(text) is { Success: true } m)
            Console.Error.WriteLine($"  [{++_cases}] {m.Groups["method"].Value} {m.Groups["parameters"].Value}");
        else if (logKind == LogKind.Error)
            Console.Error.WriteLine($"  {text}");
    }

    /// <inheritdoc/>
    public void Flush() => _file.Flush();

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();

    [GeneratedRegex(@"^// Benchmark: (?<method>[^:]+): .*?(?<parameters>\[[^\]]*\])?$")]
    private static partial Regex Announcement();
}
