using ConvEngine.Kernels.Cpu.Kernels;

namespace ConvEngine.Kernels.Cpu;

// 2-D max and average pooling: adapters from buffers to Kernels/Pool2dKernels.cs. Every (n, c) plane is
// pooled independently, so the N·C planes are split into a few contiguous runs per thread (a thread slowed
// by another process on its core then leaves runs to the others).
public sealed partial class CpuBackend
{
    // Below this many input elements pooling is over before a second thread would start.
    private const int ParallelPoolElements = 1 << 15;

    /// <inheritdoc/>
    public void Pool2dForward(Pool2dParams p, DeviceBuffer input, DeviceBuffer output)
    {
        float[] x = Data(input), y = Data(output);
        int inPlane = p.H * p.W, outPlane = p.OH * p.OW;
        ForEachPlaneRun(p, (first, count) =>
            Pool2dKernels.Forward(p, x.AsSpan(first * inPlane, count * inPlane), y.AsSpan(first * outPlane, count * outPlane)));
    }

    /// <inheritdoc/>
    public void Pool2dBackward(Pool2dParams p, DeviceBuffer input, DeviceBuffer gradOutput, DeviceBuffer gradInput)
    {
        float[] x = Data(input), gy = Data(gradOutput), gx = Data(gradInput);
        int inPlane = p.H * p.W, outPlane = p.OH * p.OW;
        ForEachPlaneRun(p, (first, count) =>
            Pool2dKernels.Backward(p, x.AsSpan(first * inPlane, count * inPlane),
                gy.AsSpan(first * outPlane, count * outPlane), gx.AsSpan(first * inPlane, count * inPlane)));
    }

    /// <summary>Calls <paramref name="body"/>(first plane, plane count) once per run of the N·C planes.</summary>
    private static void ForEachPlaneRun(Pool2dParams p, Action<int, int> body)
    {
        int planes = p.N * p.C;
        int runs = p.InputSize < ParallelPoolElements || Threads == 1 ? Math.Min(planes, 1) : Math.Min(planes, 4 * Threads);
        if (runs <= 1)
        {
            if (planes > 0) body(0, planes);
            return;
        }
        Parallel.For(0, runs, new ParallelOptions { MaxDegreeOfParallelism = Threads }, run =>
        {
            int first = run * planes / runs, end = (run + 1) * planes / runs;
            body(first, end - first);
        });
    }
}
