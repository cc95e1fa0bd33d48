using BenchmarkDotNet.Attributes;
using ConvEngine.Kernels;

namespace ConvEngine.Bench;

/// <summary>
/// Max and average pooling, 2 × 2 windows, stride 2, on LeNet's first activation (256, 6, 28, 28) → (256, 6, 14, 14),
/// forward and backward, in GB/s: pooling moves bytes and computes almost nothing, so its limit is the memory
/// speed <see cref="MemoryCopyBenchmarks"/> measures on the same bytes.
/// </summary>
public class Pool2dBenchmarks : AcceleratorBenchmark, IHasWork
{
    /// <summary>The input shape, (N, C, H, W).</summary>
    public static readonly int[] InputShape = [256, 6, 28, 28];

    private DeviceBuffer _x = null!, _y = null!, _gy = null!, _gx = null!;
    private Pool2dParams _p = null!;

    /// <summary>Max or average.</summary>
    [Params(PoolMode.Max, PoolMode.Avg)]
    public PoolMode Mode { get; set; }

    /// <summary>Random input and output gradient on the device.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _p = Create(Mode);
        var rng = new Generator(0);
        (_x, _gy) = (DeviceBuffers.Uniform(Backend, rng, _p.InputSize), DeviceBuffers.Uniform(Backend, rng, _p.OutputSize));
        (_y, _gx) = (Backend.Allocate(_p.OutputSize), Backend.Allocate(_p.InputSize));
    }

    /// <summary>output (256, 6, 14, 14) from input (256, 6, 28, 28).</summary>
    [Benchmark]
    public void Forward()
    {
        Backend.Pool2dForward(_p, _x, _y);
        Synchronize();
    }

    /// <summary>gradInput (256, 6, 28, 28) from gradOutput (256, 6, 14, 14) (and, for max, the input).</summary>
    [Benchmark]
    public void Backward()
    {
        Backend.Pool2dBackward(_p, _x, _gy, _gx);
        Synchronize();
    }

    /// <summary>
    /// Forward reads the input and writes the output; backward reads the output gradient and writes the input
    /// gradient, and max pooling also reads the input to find each window's maximum.
    /// </summary>
    public Work WorkOf(string method)
    {
        var p = Create(Mode);
        return Work.FloatsMoved(method == nameof(Forward) || Mode == PoolMode.Avg
            ? p.InputSize + p.OutputSize
            : 2.0 * p.InputSize + p.OutputSize);
    }

    private static Pool2dParams Create(PoolMode mode) => Pool2dParams.Create(mode, InputShape, (2, 2), (2, 2), (0, 0));
}
