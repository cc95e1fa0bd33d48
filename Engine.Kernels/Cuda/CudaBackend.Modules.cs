using System.Text;
using ConvEngine.Kernels.Cuda.Native;
using ConvEngine.Kernels.Dialect;
using ConvEngine.Kernels.KernelSources;

namespace ConvEngine.Kernels.Cuda;

// Modules, functions and launches. A module is one op family's source (KernelSource with prelude.cuda.h) compiled by
// NVRTC with a set of -D options (the tile plan) for the device's architecture; it is loaded the first time one of
// its kernels is launched and kept, with its functions, for the life of the backend. The PTX is also kept on disk
// (PtxDiskCache), so a later run loads it without compiling.
public sealed partial class CudaBackend
{
    private readonly Dictionary<string, nint> _modules = [];
    private readonly Dictionary<string, nint> _functions = [];
    private readonly PtxDiskCache _diskCache = new(PtxDiskCache.DefaultFolder());
    private int _compilations;

    /// <summary>How many programs this backend has compiled with NVRTC (the rest came from the disk cache).</summary>
    internal int Compilations => Volatile.Read(ref _compilations);

    /// <inheritdoc/>
    /// <remarks>
    /// cuLaunchKernel reads the arguments through an array of pointers to their values, copying them at the call; a
    /// buffer passes its CUdeviceptr, a value its bytes. The launch is the OpenCL range's: grid = global / local.
    /// </remarks>
    internal override unsafe void Launch(string family, string defines, string kernel, NdRange range, params ReadOnlySpan<KernelArg> args)
    {
        nint function = Function(family, defines, kernel);
        var (gx, gy, gz) = range.Grid;
        var (bx, by, bz) = range.Block;
        if (gx > _info.MaxGrid.X || gy > _info.MaxGrid.Y || gz > _info.MaxGrid.Z)
            throw new ConvEngineException($"kernel {kernel} needs a grid of ({gx}, {gy}, {gz}) blocks; {Where} launches at most "
                + $"({_info.MaxGrid.X}, {_info.MaxGrid.Y}, {_info.MaxGrid.Z})");
        // Each value 8-byte aligned in one block (pointers need 8, the int/float structs 4).
        int total = 0;
        foreach (var arg in args) total += Align8(arg.IsBuffer ? sizeof(ulong) : arg.Bytes.Length);
        byte* values = stackalloc byte[Math.Max(total, 1)];
        void** pointers = stackalloc void*[Math.Max(args.Length, 1)];
        int at = 0;
        for (int i = 0; i < args.Length; i++)
        {
            pointers[i] = values + at;
            if (args[i].IsBuffer)
            {
                *(ulong*)(values + at) = args[i].BufferOrNull is { } buffer ? Mem(buffer).At(0) : 0;
                at += sizeof(ulong);
            }
            else
            {
                args[i].Bytes.CopyTo(new Span<byte>(values + at, args[i].Bytes.Length));
                at += Align8(args[i].Bytes.Length);
            }
        }
        Enter();
        int result = CuApi.cuLaunchKernel(function, (uint)gx, (uint)gy, (uint)gz, (uint)bx, (uint)by, (uint)bz, 0, _stream, pointers, null);
        // Until the launch is queued no buffer may be collected: its finalizer would free memory the kernel is given.
        foreach (var arg in args) GC.KeepAlive(arg.BufferOrNull);
        if (result != CuResult.Success) throw CuCheck.Error(result, $"cuLaunchKernel({kernel})", Where);
    }

    private static int Align8(int bytes) => (bytes + 7) & ~7;

    /// <summary>The function <paramref name="kernel"/> of <paramref name="family"/>'s module built with <paramref name="defines"/>.</summary>
    private unsafe nint Function(string family, string defines, string kernel)
    {
        lock (_sync)
        {
            string key = $"{family} {defines} {kernel}";
            if (_functions.TryGetValue(key, out nint function)) return function;
            string moduleKey = $"{family} {defines}";
            if (!_modules.TryGetValue(moduleKey, out nint module))
                _modules[moduleKey] = module = LoadModule(KernelSource.Program(family, "prelude.cuda.h"), family + ".cu", defines);
            byte[] name = Encoding.UTF8.GetBytes(kernel + "\0");
            fixed (byte* n = name) CuCheck.Result(CuApi.cuModuleGetFunction(&function, module, n), $"cuModuleGetFunction({kernel})", Where);
            _functions[key] = function;
            return function;
        }
    }

    /// <summary>
    /// Compiles <paramref name="source"/> with <paramref name="defines"/> for this device, or takes its PTX from the
    /// disk cache, and loads it. A compiler error is a <see cref="CudaException"/> for nvrtcCompileProgram carrying
    /// NVRTC's log. Internal so that tests can compile a broken source and watch the disk cache work.
    /// </summary>
    internal unsafe nint LoadModule(string source, string name, string defines)
    {
        int architecture = NvrtcCompiler.ArchitectureFor(_info.Major, _info.Minor, Where);
        string[] options = NvrtcCompiler.Options(architecture, defines);
        var (major, minor) = NvrtcCompiler.Version;
        string path = _diskCache.PathFor(source, options, $"nvrtc {major}.{minor}", 10 * _info.Major + _info.Minor);
        byte[]? ptx = PtxDiskCache.TryRead(path);
        if (ptx is null)
        {
            ptx = NvrtcCompiler.Compile(source, name, options, Where);
            Interlocked.Increment(ref _compilations);
            _diskCache.TryWrite(path, ptx);
        }
        Enter();
        nint module;
        int result;
        fixed (byte* image = ptx) result = CuApi.cuModuleLoadData(&module, image);
        if (result == CuResult.UnsupportedPtxVersion)
            throw new ConvEngineException($"{CuCheck.Error(result, "cuModuleLoadData", Where).Message}: the PTX of NVRTC {major}.{minor} is "
                + $"newer than driver CUDA {CudaDeviceInfo.FormatVersion(_info.DriverVersion)} can load; use an NVRTC no newer than the driver");
        CuCheck.Result(result, "cuModuleLoadData", Where);
        return module;
    }

    // Called under the lock by Dispose.
    private void UnloadModules()
    {
        foreach (nint module in _modules.Values) CuApi.cuModuleUnload(module);
        _modules.Clear();
        _functions.Clear();
    }
}
