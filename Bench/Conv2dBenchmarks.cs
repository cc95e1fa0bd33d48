using BenchmarkDotNet.Attributes;
using ConvEngine.Kernels;

namespace ConvEngine.Bench;

/// <summary>
/// Conv2d forward, backward-input and backward-weight through the backend contract at LeNet's two layer shapes
/// (batch 256) and a ResNet-like one (<see cref="Conv2dShapes"/>). Each pass does 2·N·O·OH·OW·C·KH·KW flops.
/// </summary>
public class Conv2dBenchmarks : AcceleratorBenchmark, IHasWork
{
    private DeviceBuffer _x = null!, _w = null!, _b = null!, _y = null!, _gx = null!, _gw = null!, _gb = null!;
    private Conv2dParams _p = null!;

    /// <summary>The shape's name (see <see cref="Conv2dShapes.Create"/>).</summary>
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "";

    /// <summary>The values of <see cref="Shape"/>.</summary>
    public static IEnumerable<string> Shapes() => Conv2dShapes.Names;

    /// <summary>Random input, weight, bias and output gradient on the device.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _p = Conv2dShapes.Create(Shape);
        var rng = new Generator(0);
        (_x, _w, _b, _y) = (DeviceBuffers.Uniform(Backend, rng, _p.InputSize), DeviceBuffers.Uniform(Backend, rng, _p.WeightSize),
            DeviceBuffers.Uniform(Backend, rng, _p.O), DeviceBuffers.Uniform(Backend, rng, _p.OutputSize));
        (_gx, _gw, _gb) = (Backend.Allocate(_p.InputSize), Backend.Allocate(_p.WeightSize), Backend.Allocate(_p.O));
    }

    /// <summary>output = input ⋆ weight + bias.</summary>
    [Benchmark]
    public void Forward()
    {
        Backend.Conv2dForward(_p, _x, _w, _b, _y);
        Synchronize();
    }

    /// <summary>gradInput from gradOutput and weight.</summary>
    [Benchmark]
    public void BackwardInput()
    {
        Backend.Conv2dBackwardInput(_p, _y, _w, _gx);
        Synchronize();
    }

    /// <summary>gradWeight and gradBias from input and gradOutput.</summary>
    [Benchmark]
    public void BackwardWeight()
    {
        Backend.Conv2dBackwardWeight(_p, _x, _y, _gw, _gb);
        Synchronize();
    }

    /// <inheritdoc/>
    public Work WorkOf(string method) => Work.Flops(2 * Conv2dShapes.MultiplyAdds(Conv2dShapes.Create(Shape)));
}
