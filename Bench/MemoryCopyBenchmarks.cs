using BenchmarkDotNet.Attributes;
using ConvEngine.Kernels;

namespace ConvEngine.Bench;

/// <summary>
/// The memory-speed reference for pooling: a contiguous device-to-device copy of as many floats as the pooling
/// input holds (256·6·28·28), through the backend contract's <see cref="IBackend.Copy"/>.
/// </summary>
public class MemoryCopyBenchmarks : AcceleratorBenchmark, IHasWork
{
    private StridedView _src, _dst;

    /// <summary>A random source and a destination of the pooling input's shape.</summary>
    [GlobalSetup]
    public void Setup()
    {
        int[] shape = Pool2dBenchmarks.InputShape;
        int length = shape.Aggregate(1, (a, b) => a * b);
        _src = StridedView.Contiguous(DeviceBuffers.Uniform(Backend, new Generator(0), length), shape);
        _dst = StridedView.Contiguous(Backend.Allocate(length), shape);
    }

    /// <summary>dst = src.</summary>
    [Benchmark]
    public void Copy()
    {
        Backend.Copy(_src, _dst);
        Synchronize();
    }

    /// <summary>Every float read once and written once.</summary>
    public Work WorkOf(string method) => Work.FloatsMoved(2.0 * Pool2dBenchmarks.InputShape.Aggregate(1, (a, b) => a * b));
}
