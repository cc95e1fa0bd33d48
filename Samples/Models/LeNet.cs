using ConvEngine.Nn;
using ConvEngine.Optim;

namespace ConvEngine.Samples.Models;

/// <summary>
/// LeNet-5 for 28×28 Fashion-MNIST as a flat <see cref="Sequential"/>, so its state-dict names (<c>0.weight</c>,
/// <c>3.bias</c>, <c>7.weight</c>, …) are those of the same <c>nn.Sequential</c> in PyTorch. Three variants:
/// <list type="bullet">
/// <item><c>d2l</c>: d2l's LeNet (6.6): Conv2d(1,6,5,padding=2), Sigmoid, AvgPool2d(2,2), Conv2d(6,16,5), Sigmoid,
/// AvgPool2d(2,2), Flatten, Linear(400,120), Sigmoid, Linear(120,84), Sigmoid, Linear(84,10); SGD, lr 0.9.</item>
/// <item><c>relu</c>: the same with ReLU and MaxPool2d; Adam, lr 1e-3.</item>
/// <item><c>classic</c>: the older d2l edition's LeNet: MaxPool2d, no padding, so Linear(256,120); Sigmoid;
/// Adam, lr 1e-3, as that edition trained it.</item>
/// </list>
/// </summary>
public static class LeNet
{
    /// <summary>The variant names, as <c>--variant</c> takes them.</summary>
    public static readonly IReadOnlyList<string> Variants = ["d2l", "relu", "classic"];

    /// <summary>
    /// Builds <paramref name="variant"/> on the CPU. Layers draw PyTorch's default initialisation from
    /// <paramref name="generator"/> (the default one when null), then every Conv2d and Linear weight is
    /// re-drawn Xavier-uniform in layer order, as d2l's <c>net.apply(init_weights)</c> does: with a generator
    /// seeded s, the weights equal PyTorch's after <c>torch.manual_seed(s)</c>.
    /// </summary>
    public static Sequential Create(string variant, Generator? generator = null)
    {
        CheckVariant(variant);
        Func<Module> act = variant == "relu" ? () => new ReLU() : () => new Sigmoid();
        Func<Module> pool = variant == "d2l" ? () => new AvgPool2d(2, 2) : () => new MaxPool2d(2, 2);
        // Without padding the 28×28 input shrinks to 24, 12, 8, 4: 16·4·4 = 256 features instead of 16·5·5.
        int padding = variant == "classic" ? 0 : 2, features = variant == "classic" ? 256 : 400;
        var net = new Sequential(
            new Conv2d(1, 6, 5, padding: padding, generator: generator), act(), pool(),
            new Conv2d(6, 16, 5, generator: generator), act(), pool(), new Flatten(),
            new Linear(features, 120, generator: generator), act(),
            new Linear(120, 84, generator: generator), act(),
            new Linear(84, 10, generator: generator));
        for (int i = 0; i < net.Count; i++)
        {
            var weight = net[i] switch { Conv2d c => c.Weight, Linear l => l.Weight, _ => null };
            if (weight is not null) Init.XavierUniform(weight, generator: generator);
        }
        return net;
    }

    /// <summary>The learning rate each variant trains with by default.</summary>
    public static float DefaultLearningRate(string variant) => CheckVariant(variant) == "d2l" ? 0.9f : 1e-3f;

    /// <summary>The optimizer's name as the checkpoint records it: SGD for d2l, Adam otherwise.</summary>
    public static string OptimizerName(string variant) => CheckVariant(variant) == "d2l" ? "SGD" : "Adam";

    /// <summary>The variant's optimizer over <paramref name="net"/>'s parameters (create it after moving the net to its device).</summary>
    public static Optimizer CreateOptimizer(string variant, Module net, float lr) =>
        OptimizerName(variant) == "SGD" ? new SGD(net.Parameters(), lr) : new Adam(net.Parameters(), lr);

    private static string CheckVariant(string variant) => Variants.Contains(variant)
        ? variant
        : throw new ConvEngineException($"unknown LeNet variant '{variant}': expected {string.Join(", ", Variants)}");
}
