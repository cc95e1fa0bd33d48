using ConvEngine.Kernels;

namespace ConvEngine.Bench;

/// <summary>The convolution shapes the benchmarks and the PyTorch peer (../shared/peer/torch_ops.py) share.</summary>
public static class Conv2dShapes
{
    /// <summary>The shape names, as the <c>Shape</c> parameter shows them.</summary>
    public static readonly IReadOnlyList<string> Names = ["lenet1", "lenet2", "resnet"];

    /// <summary>
    /// The parameters of shape <paramref name="name"/>: <c>lenet1</c> input (256, 1, 28, 28), weight (6, 1, 5, 5),
    /// padding 2 (LeNet's first layer); <c>lenet2</c> input (256, 6, 14, 14), weight (16, 6, 5, 5) (its second);
    /// <c>resnet</c> input (32, 64, 56, 56), weight (64, 64, 3, 3), padding 1 (a ResNet stage-1 layer). Stride 1, with bias.
    /// </summary>
    public static Conv2dParams Create(string name) => name switch
    {
        "lenet1" => Conv2dParams.Create([256, 1, 28, 28], [6, 1, 5, 5], [6], (1, 1), (2, 2)),
        "lenet2" => Conv2dParams.Create([256, 6, 14, 14], [16, 6, 5, 5], [16], (1, 1), (0, 0)),
        "resnet" => Conv2dParams.Create([32, 64, 56, 56], [64, 64, 3, 3], [64], (1, 1), (1, 1)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown convolution shape"),
    };

    /// <summary>The shape for tables, e.g. <c>lenet1 256×1×28×28 → 6, 5×5, pad 2</c>.</summary>
    public static string Describe(string name)
    {
        var p = Create(name);
        return $"{name} {p.N}×{p.C}×{p.H}×{p.W} → {p.O}, {p.KH}×{p.KW}" + (p.PH > 0 ? $", pad {p.PH}" : "");
    }

    /// <summary>Multiply-adds of one forward pass (each backward pass does as many): N·O·OH·OW·C·KH·KW.</summary>
    public static double MultiplyAdds(Conv2dParams p) => (double)p.OutputSize * p.WeightSize / p.O;
}
