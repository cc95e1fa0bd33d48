using System.Text;
using ConvEngine.Kernels.KernelSources;
using ConvEngine.Kernels.OpenCl.Native;

namespace ConvEngine.Kernels.OpenCl;

// Programs, kernels and launches. A program is one op family's source (KernelSource) built with a set of -D
// options (the tile variant, for the tiled products); it is compiled the first time one of its kernels is
// launched and kept, with its kernel objects, for the life of the backend.
public sealed partial class OpenClBackend
{
    /// <summary>Work-items per work-group of the one-item-per-element kernels.</summary>
    private const int LinearGroup = 256;

    private readonly Dictionary<string, ClHandle> _programs = [];
    private readonly Dictionary<string, ClHandle> _kernels = [];

    /// <summary>
    /// Queues <paramref name="kernel"/> of <paramref name="family"/> (built with <paramref name="defines"/>) over
    /// <paramref name="range"/>. Setting the arguments and enqueuing happen under one lock, since a kernel
    /// object's arguments are shared state.
    /// </summary>
    internal unsafe void Launch(string family, string defines, string kernel, NdRange range, params ReadOnlySpan<KernelArg> args)
    {
        lock (_sync)
        {
            nint k = Kernel(family, defines, kernel);
            var held = new ClHandle?[args.Length];
            try
            {
                for (int i = 0; i < args.Length; i++) held[i] = args[i].SetOn(k, (uint)i, kernel, Where);
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

    /// <summary>Queues a one-work-item-per-element kernel over n elements (nothing for n = 0).</summary>
    internal void LaunchLinear(string family, string kernel, int n, params ReadOnlySpan<KernelArg> args)
    {
        if (n > 0) Launch(family, "", kernel, NdRange.Linear(n, LinearGroup), args);
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

/// <summary>A launch's global and local sizes in three dimensions (unused ones 1); the global size is a whole number of work-groups.</summary>
internal readonly record struct NdRange(int[] Global, int[] Local)
{
    /// <summary>n work-items in groups of <paramref name="group"/>, rounded up to whole groups (kernels check i &lt; n).</summary>
    public static NdRange Linear(int n, int group) => new([(n + group - 1) / group * group, 1, 1], [group, 1, 1]);

    /// <summary>A grid of groups × groupSize work-items in each dimension.</summary>
    public static NdRange Groups((int X, int Y, int Z) groups, (int X, int Y) groupSize) =>
        new([groups.X * groupSize.X, groups.Y * groupSize.Y, groups.Z], [groupSize.X, groupSize.Y, 1]);
}
