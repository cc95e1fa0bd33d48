using BenchmarkDotNet.Attributes;
using ConvEngine.Kernels;
using ConvEngine.Kernels.Cpu;

namespace ConvEngine.Bench;

/// <summary>
/// The memory-speed reference for pooling: a contiguous copy of as many floats as the pooling input holds
/// (256·6·28·28). On a device, the contract's <see cref="IBackend.Copy"/>. On the CPU backend, a span copy of host
/// arrays split into one part per core, as the pooling kernels split their planes: the contract's copy of contiguous
/// data is one span copy on one core, which would understate what the cores together move.
/// </summary>
public class MemoryCopyBenchmarks : AcceleratorBenchmark, IHasWork
{
    private static readonly int Length = Pool2dBenchmarks.InputShape.Aggregate(1, (a, b) => a * b);

    private StridedView _src, _dst;
    private float[]? _hostSrc, _hostDst;

    /// <summary>A random source and a destination of the pooling input's shape.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Generator(0);
        if (Backend is CpuBackend)
        {
            (_hostSrc, _hostDst) = (new float[Length], new float[Length]);
            rng.FillUniform(_hostSrc, -1f, 1f);
            return;
        }
        _src = StridedView.Contiguous(DeviceBuffers.Uniform(Backend, rng, Length), Pool2dBenchmarks.InputShape);
        _dst = StridedView.Contiguous(Backend.Allocate(Length), Pool2dBenchmarks.InputShape);
    }

    /// <summary>dst = src.</summary>
    [Benchmark]
    public void Copy()
    {
        if (_hostSrc is { } src && _hostDst is { } dst)
        {
            int parts = Environment.ProcessorCount;
            Parallel.For(0, parts, i =>
            {
                int start = (int)((long)i * Length / parts), end = (int)((long)(i + 1) * Length / parts);
                src.AsSpan(start, end - start).CopyTo(dst.AsSpan(start));
            });
            return;
        }
        Backend.Copy(_src, _dst);
        Synchronize();
    }

    /// <summary>Every float read once and written once.</summary>
    public Work WorkOf(string method) => Work.FloatsMoved(2.0 * Length);
}
