using System.Security.Cryptography;
using System.Text;

namespace ConvEngine.Kernels.Cuda;

/// <summary>
/// Compiled PTX kept on disk between runs, so that a second run compiles nothing: one file per program,
/// <c>&lt;sha256 of source, options and NVRTC version&gt;-sm_XY.ptx</c> in <c>$XDG_CACHE_HOME/convengine/cuda</c>
/// (default <c>~/.cache/convengine/cuda</c>). Files are written whole and renamed into place, so a reader never
/// sees half a file; a cache that cannot be written is only slower (every run compiles), never an error.
/// </summary>
internal sealed class PtxDiskCache(string folder)
{
    /// <summary>The folder holding the files.</summary>
    public string Folder { get; } = folder;

    /// <summary>The cache folder this user's environment names.</summary>
    public static string DefaultFolder()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "convengine", "cuda");
    }

    /// <summary>
    /// The file for <paramref name="source"/> compiled with <paramref name="options"/> by <paramref name="compiler"/>
    /// for a device of compute capability <paramref name="computeCapability"/> (10·major + minor).
    /// </summary>
    public string PathFor(string source, IEnumerable<string> options, string compiler, int computeCapability)
    {
        var key = new StringBuilder(source).Append('\0').Append(compiler);
        foreach (string option in options) key.Append('\0').Append(option);
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())));
        return Path.Combine(Folder, $"{hash}-sm_{computeCapability}.ptx");
    }

    /// <summary>The PTX stored at <paramref name="path"/>, or null when there is none (or it cannot be read).</summary>
    public static byte[]? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="ptx"/> at <paramref name="path"/>; returns whether it could.</summary>
    public bool TryWrite(string path, byte[] ptx)
    {
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllBytes(temporary, ptx);
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temporary); } catch (Exception f) when (f is IOException or UnauthorizedAccessException) { }
            return false;
        }
    }
}
