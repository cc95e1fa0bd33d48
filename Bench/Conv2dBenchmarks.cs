using BenchmarkDotNet.Attributes;
using ConvEngine.Kernels;

namespace ConvEngine.Bench;

/// <summary>
/// Conv2d forward, backward-input and backward-weight through the backend contract at LeNet's two layer
/// shapes (batch 256). Each call ends with Synchronize so asynchronous devices are timed to completion.
/// </summary>
public class Conv2dBenchmarks
{
    private DeviceBuffer _x = null!, _w = null!, _b = null!, _y = null!, _gx = null!, _gw = null!, _gb = null!;
    private Conv2dParams _p = null!;

    [ParamsSource(nameof(Accelerators))]
    public Accelerator Accelerator { get; set; } = null!;

    public static IEnumerable<Accelerator> Accelerators() => Accelerator.All();

    /// <summary>(name, input N×C×H×W, out channels, kernel, padding).</summary>
    [Params("lenet1 256x1x28x28 6x5x5 p2", "lenet2 256x6x14x14 16x5x5")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _p = Shape.StartsWith("lenet1")
            ? Conv2dParams.Create([256, 1, 28, 28], [6, 1, 5, 5], [6], (1, 1), (2, 2))
            : Conv2dParams.Create([256, 6, 14, 14], [16, 6, 5, 5], [16], (1, 1), (0, 0));
        var backend = Accelerator.Backend;
        var rng = new Generator(0);
        DeviceBuffer Random(int n)
        {
            var data = new float[n];
            rng.FillUniform(data, -1f, 1f);
            var buffer = backend.Allocate(n);
            backend.Upload(data, buffer);
            return buffer;
        }
        (_x, _w, _b, _y) = (Random(_p.InputSize), Random(_p.WeightSize), Random(_p.O), Random(_p.OutputSize));
        (_gx, _gw, _gb) = (backend.Allocate(_p.InputSize), backend.Allocate(_p.WeightSize), backend.Allocate(_p.O));
    }

    [Benchmark]
    public void Forward()
    {
        Accelerator.Backend.Conv2dForward(_p, _x, _w, _b, _y);
        Accelerator.Backend.Synchronize();
    }

    [Benchmark]
    public void BackwardInput()
    {
        Accelerator.Backend.Conv2dBackwardInput(_p, _y, _w, _gx);
        Accelerator.Backend.Synchronize();
    }

    [Benchmark]
    public void BackwardWeight()
    {
        Accelerator.Backend.Conv2dBackwardWeight(_p, _x, _y, _gw, _gb);
        Accelerator.Backend.Synchronize();
    }
}
