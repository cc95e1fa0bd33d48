using System.Text;
using ConvEngine.Kernels.Dialect;
using ConvEngine.Kernels.KernelSources;
using ConvEngine.Kernels.OpenCl.Native;

namespace ConvEngine.Kernels.OpenCl;

// Programs, kernels and launches. A program is one op family's source (KernelSource) built with a set of -D
// options (the tile variant, for the tiled products); it is compiled the first time one of its kernels is
// launched and kept, with its kernel objects, for the life of the backend.
public sealed partial class OpenClBackend
{
    private readonly Dictionary<string, ClHandle> _programs = [];
    private readonly Dictionary<string, ClHandle> _kernels = [];

    /// <inheritdoc/>
    /// <remarks>Setting the arguments and enqueuing happen under one lock, since a kernel object's arguments are shared state.</remarks>
    internal override unsafe void Launch(string family, string defines, string kernel, NdRange range, params ReadOnlySpan<KernelArg> args)
    {
        lock (_sync)
        {
            nint k = Kernel(family, defines, kernel);
            var held = new ClHandle?[args.Length];
            try
            {
                for (int i = 0; i < args.Length; i++) held[i] = SetArg(k, (uint)i, args[i], kernel);
                nuint* global = stackalloc nuint[3], local = stackalloc nuint[3];
                for (int d = 0; d < 3; d++)
                {
                    global[d] = (nuint)range.Global[d];
                    local[d] = (nuint)range.Local[d];
                }
                int status = ClApi.clEnqueueNDRangeKernel(Queue, k, 3, null, global, local, 0, null, null);
                if (status != ClStatus.Success) throw new OpenClException($"clEnqueueNDRangeKernel({kernel})", status, Where);
            }
            finally
            {
                foreach (var handle in held) handle?.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Sets <paramref name="arg"/> as argument <paramref name="index"/> of <paramref name="kernel"/> (named
    /// <paramref name="name"/> in errors). A buffer's handle gets a reference, returned for the caller to release
    /// once the launch is queued, so that it cannot be released in between.
    /// </summary>
    private unsafe ClHandle? SetArg(nint kernel, uint index, in KernelArg arg, string name)
    {
        int status;
        if (!arg.IsBuffer)
        {
            fixed (byte* value = arg.Bytes) status = ClApi.clSetKernelArg(kernel, index, (nuint)arg.Bytes.Length, value);
            CheckArg(status);
            return null;
        }
        var handle = arg.BufferOrNull is { } buffer ? Mem(buffer).Memory : null;
        bool added = false;
        handle?.DangerousAddRef(ref added);
        nint mem = handle?.Value ?? 0;
        status = ClApi.clSetKernelArg(kernel, index, (nuint)sizeof(nint), &mem);
        if (status != ClStatus.Success && added) handle!.DangerousRelease();
        CheckArg(status);
        return handle;

        void CheckArg(int result)
        {
            if (result != ClStatus.Success) throw new OpenClException($"clSetKernelArg({name}, {index})", result, Where);
        }
    }

    /// <summary>
    /// Builds <paramref name="source"/> for this device with the backend's compiler options plus
    /// <paramref name="defines"/>. A compiler error is an <see cref="OpenClException"/> for clBuildProgram that
    /// names the device and carries the build log. Internal so that tests can build a broken source.
    /// </summary>
    internal unsafe ClHandle Build(string source, string defines)
    {
        nint context = Context, device = _info.Device;
        byte[] text = Encoding.UTF8.GetBytes(source);
        int status;
        nint program;
        fixed (byte* p = text)
        {
            byte* strings = p;
            nuint length = (nuint)text.Length;
            program = ClApi.clCreateProgramWithSource(context, 1, &strings, &length, &status);
        }
        ClCheck.Status(status, "clCreateProgramWithSource", Where);
        var handle = new ClHandle(program, ClObject.Program);
        byte[] options = Encoding.UTF8.GetBytes(CompilerOptions + " " + defines + "\0");
        fixed (byte* o = options) status = ClApi.clBuildProgram(program, 1, &device, o, 0, 0);
        if (status != ClStatus.Success)
        {
            string? log = status == ClStatus.BuildProgramFailure ? ClInfo.BuildLog(program, device, Where) : null;
            handle.Dispose();
            throw new OpenClException("clBuildProgram", status, Where, log);
        }
        return handle;
    }

    /// <summary>
    /// OpenCL C 1.2, and correctly rounded division and square root where the device offers them (the default
    /// allows 2.5 ulp), so that results match the CPU backend's.
    /// </summary>
    private string CompilerOptions => "-cl-std=CL1.2" + (_info.CorrectlyRoundedDivide ? " -cl-fp32-correctly-rounded-divide-sqrt" : "");

    private unsafe nint Kernel(string family, string defines, string name)
    {
        string key = $"{family} {defines} {name}";
        if (_kernels.TryGetValue(key, out var kernel)) return kernel.Value;
        string programKey = $"{family} {defines}";
        if (!_programs.TryGetValue(programKey, out var program))
            _programs[programKey] = program = Build(KernelSource.Program(family, "prelude.opencl.h"), defines);
        byte[] utf8 = Encoding.UTF8.GetBytes(name + "\0");
        int status;
        nint k;
        fixed (byte* n = utf8) k = ClApi.clCreateKernel(program.Value, n, &status);
        ClCheck.Status(status, $"clCreateKernel({name})", Where);
        _kernels[key] = kernel = new ClHandle(k, ClObject.Kernel);
        return kernel.Value;
    }

    // Called under the lock by Dispose.
    private void ReleasePrograms()
    {
        foreach (var kernel in _kernels.Values) kernel.Dispose();
        foreach (var program in _programs.Values) program.Dispose();
        _kernels.Clear();
        _programs.Clear();
    }
}
