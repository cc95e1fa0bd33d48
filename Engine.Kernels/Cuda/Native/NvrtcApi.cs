using System.Runtime.InteropServices;

namespace ConvEngine.Kernels.Cuda.Native;

/// <summary>
/// The NVRTC entry points ConvEngine calls (version, supported architectures, create / compile / log / PTX / destroy).
/// NVRTC's soname changes with the CUDA release (libnvrtc.so.11.2, .12, .13), so the imports name a placeholder
/// library that a resolver maps to whichever <see cref="NvrtcLibrary"/> found; callers check
/// <see cref="NvrtcLibrary.Failure"/> first. Every function returns an nvrtcResult for <see cref="CuCheck.Nvrtc"/>.
/// </summary>
internal static unsafe partial class NvrtcApi
{
    private const string Library = "convengine-nvrtc";

    // Runs before the first import resolves; the resolver answers only for the placeholder name.
    static NvrtcApi() => NativeLibrary.SetDllImportResolver(typeof(NvrtcApi).Assembly,
        (name, _, _) => name == Library ? NvrtcLibrary.Handle : 0);

    [LibraryImport(Library)]
    public static partial int nvrtcVersion(int* major, int* minor);

    [LibraryImport(Library)]
    public static partial int nvrtcGetNumSupportedArchs(int* count);

    [LibraryImport(Library)]
    public static partial int nvrtcGetSupportedArchs(int* archs);

    [LibraryImport(Library)]
    public static partial int nvrtcCreateProgram(nint* program, byte* source, byte* name, int headers, byte** headerSources, byte** includeNames);

    [LibraryImport(Library)]
    public static partial int nvrtcCompileProgram(nint program, int options, byte** optionStrings);

    [LibraryImport(Library)]
    public static partial int nvrtcGetProgramLogSize(nint program, nuint* size);

    [LibraryImport(Library)]
    public static partial int nvrtcGetProgramLog(nint program, byte* log);

    [LibraryImport(Library)]
    public static partial int nvrtcGetPTXSize(nint program, nuint* size);

    [LibraryImport(Library)]
    public static partial int nvrtcGetPTX(nint program, byte* ptx);

    [LibraryImport(Library)]
    public static partial int nvrtcDestroyProgram(nint* program);
}
