using System.Runtime.InteropServices;

namespace ConvEngine.Bench.Peer;

/// <summary>The machine the numbers were taken on, in one line for the table's caption.</summary>
internal static class Machine
{
    /// <summary>E.g. <c>Intel(R) Xeon(R) CPU @ 2.50GHz, 2 logical cores, Debian GNU/Linux 12 (bookworm), .NET 10.0.0</c>.</summary>
    public static string Describe() =>
        $"{CpuModel()}, {Environment.ProcessorCount} logical cores, {OsName()}, {RuntimeInformation.FrameworkDescription}";

    private static string CpuModel() => FieldOf("/proc/cpuinfo", "model name", ':') ?? RuntimeInformation.ProcessArchitecture.ToString();

    private static string OsName() => FieldOf("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? RuntimeInformation.OSDescription;

    /// <summary>The value of the first <c>key SEPARATOR value</c> line of a text file, or null.</summary>
    private static string? FieldOf(string path, string key, char separator)
    {
        if (!File.Exists(path)) return null;
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal) && l.Contains(separator));
        return line?[(line.IndexOf(separator) + 1)..].Trim();
    }
}
