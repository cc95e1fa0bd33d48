using System.Runtime.InteropServices;

namespace ConvEngine.Kernels.Cuda.Native;

/// <summary>
/// Finds NVRTC, once per process: <c>$CONVENGINE_NVRTC</c> when set (a path to libnvrtc.so.N), else each soname of
/// CUDA 13 down to 11.0 and the unversioned development link, first on the loader's search path
/// (LD_LIBRARY_PATH, ldconfig) and then in the toolkit folders <c>$CUDA_PATH/lib64</c>, <c>$CUDA_HOME/lib64</c>
/// and <c>/usr/local/cuda/lib64</c>. NVRTC loads its builtins library (libnvrtc-builtins.so.*) by soname at
/// compile time, so when it is found by path the builtins beside it are loaded too.
/// </summary>
internal static class NvrtcLibrary
{
    /// <summary>The sonames tried, newest CUDA first.</summary>
    public static readonly IReadOnlyList<string> Sonames =
        ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so.11.1", "libnvrtc.so.11.0", "libnvrtc.so"];

    /// <summary>The environment variable naming NVRTC's path explicitly.</summary>
    public const string PathVariable = "CONVENGINE_NVRTC";

    private static readonly Lazy<(nint Handle, string? Loaded, string? Failure)> Found = new(() => Probe(Candidates()));

    /// <summary>The loaded library's handle, or 0 when none was found.</summary>
    public static nint Handle => Found.Value.Handle;

    /// <summary>The name or path that loaded, e.g. <c>libnvrtc.so.13</c>; null when none did.</summary>
    public static string? Loaded => Found.Value.Loaded;

    /// <summary>Why NVRTC is unavailable (naming everything tried), or null when it loaded.</summary>
    public static string? Failure => Found.Value.Failure;

    /// <summary>What to try, in order: the explicit path, the sonames on the search path, then in the toolkit folders.</summary>
    public static IReadOnlyList<string> Candidates()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } explicitPath) candidates.Add(explicitPath);
        candidates.AddRange(Sonames);
        var folders = new[] { Environment.GetEnvironmentVariable("CUDA_PATH"), Environment.GetEnvironmentVariable("CUDA_HOME"), "/usr/local/cuda" }
            .Where(f => !string.IsNullOrEmpty(f)).Select(f => Path.Combine(f!, "lib64")).Distinct();
        foreach (string folder in folders) candidates.AddRange(Sonames.Select(name => Path.Combine(folder, name)));
        return candidates;
    }

    /// <summary>Loads the first of <paramref name="candidates"/> that loads; the failure names them all.</summary>
    public static (nint Handle, string? Loaded, string? Failure) Probe(IReadOnlyList<string> candidates)
    {
        foreach (string candidate in candidates)
        {
            if (!NativeLibrary.TryLoad(candidate, out nint handle)) continue;
            if (Path.IsPathRooted(candidate)) LoadBuiltinsBeside(candidate);
            return (handle, candidate, null);
        }
        return (0, null, $"NVRTC (CUDA's runtime compiler) not found: tried {string.Join(", ", candidates)}; "
            + $"install the CUDA toolkit's NVRTC or set {PathVariable} to the path of libnvrtc.so.N");
    }

    private static void LoadBuiltinsBeside(string library)
    {
        string? folder = Path.GetDirectoryName(library);
        if (folder is null || !Directory.Exists(folder)) return;
        // The most specific name first (libnvrtc-builtins.so.13.0 before the libnvrtc-builtins.so link).
        foreach (string builtins in Directory.EnumerateFiles(folder, "libnvrtc-builtins.so*").OrderByDescending(f => f.Length))
            if (NativeLibrary.TryLoad(builtins, out _)) return;
    }
}
