using System.Text;
using ConvEngine.Kernels.Cuda.Native;

namespace ConvEngine.Kernels.Cuda;

/// <summary>
/// Compiles CUDA C++ to PTX with NVRTC for one virtual architecture. The options are the prelude's
/// (<c>--fmad=false</c>: a * b + c rounds twice, as in C# and OpenCL) and the tile plan's macros; NVRTC's
/// defaults already give IEEE division, square root and denormals, as the CPU backend computes them.
/// </summary>
internal static class NvrtcCompiler
{
    private static readonly Lazy<(int Major, int Minor)> VersionValue = new(ReadVersion);
    private static readonly Lazy<int[]?> Architectures = new(ReadArchitectures);

    /// <summary>NVRTC's own version (the CUDA release it came with).</summary>
    public static (int Major, int Minor) Version => VersionValue.Value;

    /// <summary>
    /// The virtual architecture to compile for on a device of compute capability major.minor: the device's own when
    /// NVRTC supports it, else the newest NVRTC supports below it (the driver JIT-compiles older PTX for newer GPUs).
    /// </summary>
    /// <param name="major">the device's compute capability, major part</param>
    /// <param name="minor">the device's compute capability, minor part</param>
    /// <param name="supported">NVRTC's architectures as 10·major + minor, or null when it cannot list them (before CUDA 11.2)</param>
    /// <param name="where">the device as messages name it</param>
    /// <exception cref="ConvEngineException">when NVRTC supports nothing as old as the device.</exception>
    public static int ArchitectureFor(int major, int minor, int[]? supported, string where)
    {
        int device = 10 * major + minor;
        if (supported is null || supported.Contains(device)) return device;
        var older = supported.Where(a => a <= device).ToArray();
        if (older.Length > 0) return older.Max();
        throw new ConvEngineException(
            $"{where} has compute capability {major}.{minor}, older than the NVRTC found compiles for "
            + $"(oldest: {supported.Min() / 10}.{supported.Min() % 10}); use an older CUDA toolkit's NVRTC");
    }

    /// <summary>The architecture for this device with the NVRTC that loaded.</summary>
    public static int ArchitectureFor(int major, int minor, string where) => ArchitectureFor(major, minor, Architectures.Value, where);

    /// <summary>
    /// NVRTC's options for <paramref name="architecture"/> (10·major + minor) and <paramref name="defines"/>, a tile
    /// plan's <c>-D NAME=VALUE</c> pairs (TilePlan.Defines, written for OpenCL), each as one option.
    /// </summary>
    public static string[] Options(int architecture, string defines)
    {
        var options = new List<string> { $"--gpu-architecture=compute_{architecture}", "--fmad=false" };
        string[] words = defines.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < words.Length; i++)
        {
            if (words[i] != "-D" || i + 1 == words.Length)
                throw new ArgumentException($"expected '-D NAME=VALUE' pairs, got '{defines}'", nameof(defines));
            options.Add("--define-macro=" + words[++i]);
        }
        return [.. options];
    }

    /// <summary>
    /// The PTX of <paramref name="source"/> (named <paramref name="name"/> in the log), NUL-terminated as
    /// cuModuleLoadData wants it. A compile error is a <see cref="CudaException"/> for nvrtcCompileProgram that names
    /// the device <paramref name="where"/> and carries NVRTC's log.
    /// </summary>
    public static unsafe byte[] Compile(string source, string name, string[] options, string where)
    {
        nint program;
        fixed (byte* text = Utf8(source), file = Utf8(name))
            CuCheck.Nvrtc(NvrtcApi.nvrtcCreateProgram(&program, text, file, 0, null, null), "nvrtcCreateProgram", where);
        try
        {
            var optionBytes = options.Select(Utf8).ToArray();
            var handles = optionBytes.Select(o => System.Runtime.InteropServices.GCHandle.Alloc(o, System.Runtime.InteropServices.GCHandleType.Pinned)).ToArray();
            int result;
            try
            {
                byte** pointers = stackalloc byte*[options.Length];
                for (int i = 0; i < options.Length; i++) pointers[i] = (byte*)handles[i].AddrOfPinnedObject();
                result = NvrtcApi.nvrtcCompileProgram(program, options.Length, pointers);
            }
            finally
            {
                foreach (var handle in handles) handle.Free();
            }
            if (result != NvrtcResult.Success)
                CuCheck.Nvrtc(result, "nvrtcCompileProgram", where, result == NvrtcResult.Compilation ? Log(program, where) : null);
            nuint size;
            CuCheck.Nvrtc(NvrtcApi.nvrtcGetPTXSize(program, &size), "nvrtcGetPTXSize", where);
            var ptx = new byte[(int)size]; // includes the terminating NUL
            fixed (byte* p = ptx) CuCheck.Nvrtc(NvrtcApi.nvrtcGetPTX(program, p), "nvrtcGetPTX", where);
            return ptx;
        }
        finally
        {
            NvrtcApi.nvrtcDestroyProgram(&program);
        }
    }

    private static unsafe string Log(nint program, string where)
    {
        nuint size;
        CuCheck.Nvrtc(NvrtcApi.nvrtcGetProgramLogSize(program, &size), "nvrtcGetProgramLogSize", where);
        var log = new byte[(int)size];
        fixed (byte* p = log) CuCheck.Nvrtc(NvrtcApi.nvrtcGetProgramLog(program, p), "nvrtcGetProgramLog", where);
        return Encoding.UTF8.GetString(log).TrimEnd('\0');
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");

    private static unsafe (int, int) ReadVersion()
    {
        int major, minor;
        CuCheck.Nvrtc(NvrtcApi.nvrtcVersion(&major, &minor), "nvrtcVersion");
        return (major, minor);
    }

    private static unsafe int[]? ReadArchitectures()
    {
        try
        {
            int count;
            CuCheck.Nvrtc(NvrtcApi.nvrtcGetNumSupportedArchs(&count), "nvrtcGetNumSupportedArchs");
            var archs = new int[count];
            fixed (int* p = archs) CuCheck.Nvrtc(NvrtcApi.nvrtcGetSupportedArchs(p), "nvrtcGetSupportedArchs");
            return archs;
        }
        catch (EntryPointNotFoundException)
        {
            return null; // NVRTC before 11.2 cannot list them
        }
    }
}
