using System.Diagnostics;

namespace ConvEngine.Tests;

/// <summary>
/// Engine.Tests.Child (built beside the tests) running as a process of its own through the dotnet host, for what
/// must happen to a whole process: a kill mid-save, an out-of-memory under a heap limit. Killed on dispose.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    /// <summary>Starts the child with <paramref name="args"/> and, on top of this process's, the given environment variables.</summary>
    public static ChildProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Engine.Tests.Child.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return new ChildProcess(Process.Start(start)!);
    }

    /// <summary>The next line the child prints; fails the test if none comes within a minute or the child has ended.</summary>
    public string ReadLine()
    {
        var line = _process.StandardOutput.ReadLineAsync().WaitAsync(LineTimeout).GetAwaiter().GetResult();
        if (line is null) Assert.Fail($"the child ended (exit code {ExitCode()}): {_process.StandardError.ReadToEnd()}");
        return line!;
    }

    /// <summary>Reads lines until one equals <paramref name="line"/>.</summary>
    public void WaitFor(string line)
    {
        while (ReadLine() != line) { }
    }

    /// <summary>Kills the child at once (SIGKILL: no clean-up runs) and waits until it is gone.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Waits for the child to end and returns its exit code.</summary>
    public int ExitCode()
    {
        if (!_process.WaitForExit(LineTimeout)) Assert.Fail("the child did not end within a minute");
        return _process.ExitCode;
    }

    /// <summary>Everything the child wrote to stderr (after it ended).</summary>
    public string StandardError() => _process.StandardError.ReadToEnd();

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }

    // The dotnet host running these tests: the SDK names it in DOTNET_HOST_PATH; a test host started by it is it.
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host) return host;
        string? self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
