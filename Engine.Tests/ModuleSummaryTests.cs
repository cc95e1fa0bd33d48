using ConvEngine.Nn;
using ConvEngine.Samples.Models;

namespace ConvEngine.Tests;

/// <summary>
/// How a model presents itself: <see cref="Module.ToString"/> equals PyTorch 1.13's <c>repr</c> for the three
/// LeNet variants the samples train and for single layers with non-default options, and
/// <see cref="Module.Summary"/> lists each layer's output shape and parameter count (numbers checked with
/// forward hooks on the same <c>nn.Sequential</c> in PyTorch). Modules are created on the CPU.
/// </summary>
public sealed class ModuleSummaryTests
{
    private const string ReluLeNetRepr =
        "Sequential(\n  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n  (1): ReLU()\n"
        + "  (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
        + "  (3): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))\n  (4): ReLU()\n"
        + "  (5): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
        + "  (6): Flatten(start_dim=1, end_dim=-1)\n  (7): Linear(in_features=400, out_features=120, bias=True)\n  (8): ReLU()\n"
        + "  (9): Linear(in_features=120, out_features=84, bias=True)\n  (10): ReLU()\n"
        + "  (11): Linear(in_features=84, out_features=10, bias=True)\n)";

    private const string D2lLeNetRepr =
        "Sequential(\n  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n  (1): Sigmoid()\n"
        + "  (2): AvgPool2d(kernel_size=2, stride=2, padding=0)\n"
        + "  (3): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))\n  (4): Sigmoid()\n"
        + "  (5): AvgPool2d(kernel_size=2, stride=2, padding=0)\n"
        + "  (6): Flatten(start_dim=1, end_dim=-1)\n  (7): Linear(in_features=400, out_features=120, bias=True)\n  (8): Sigmoid()\n"
        + "  (9): Linear(in_features=120, out_features=84, bias=True)\n  (10): Sigmoid()\n"
        + "  (11): Linear(in_features=84, out_features=10, bias=True)\n)";

    private const string ClassicLeNetRepr =
        "Sequential(\n  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))\n  (1): Sigmoid()\n"
        + "  (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
        + "  (3): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))\n  (4): Sigmoid()\n"
        + "  (5): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
        + "  (6): Flatten(start_dim=1, end_dim=-1)\n  (7): Linear(in_features=256, out_features=120, bias=True)\n  (8): Sigmoid()\n"
        + "  (9): Linear(in_features=120, out_features=84, bias=True)\n  (10): Sigmoid()\n"
        + "  (11): Linear(in_features=84, out_features=10, bias=True)\n)";

    [TestCase("d2l", D2lLeNetRepr)]
    [TestCase("relu", ReluLeNetRepr)]
    [TestCase("classic", ClassicLeNetRepr)]
    public void LeNetVariantsPrintAsPyTorch(string variant, string expected) =>
        Assert.That(LeNet.Create(variant, new Generator(0)).ToString(), Is.EqualTo(expected));

    public static IEnumerable<TestCaseData> Layers()
    {
        TestCaseData Case(string python, Func<Module> make, string expected) => new TestCaseData(make, expected).SetArgDisplayNames(python);
        yield return Case("nn.Conv2d(3, 8, (3, 1), stride=(2, 1), padding=(1, 0), bias=False)",
            () => new Conv2d(3, 8, (3, 1), stride: (2, 1), padding: (1, 0), bias: false),
            "Conv2d(3, 8, kernel_size=(3, 1), stride=(2, 1), padding=(1, 0), bias=False)");
        yield return Case("nn.MaxPool2d(3, stride=2, padding=1)", () => new MaxPool2d(3, stride: 2, padding: 1),
            "MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)");
        yield return Case("nn.MaxPool2d((2, 3))", () => new MaxPool2d((2, 3)),
            "MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, ceil_mode=False)");
        yield return Case("nn.AvgPool2d((2, 3), stride=1)", () => new AvgPool2d((2, 3), stride: 1),
            "AvgPool2d(kernel_size=(2, 3), stride=1, padding=0)");
        yield return Case("nn.Linear(3, 1, bias=False)", () => new Linear(3, 1, bias: false), "Linear(in_features=3, out_features=1, bias=False)");
        yield return Case("nn.Sequential()", () => new Sequential(), "Sequential()");
        yield return Case("nn.Tanh()", () => new Tanh(), "Tanh()");
    }

    [TestCaseSource(nameof(Layers))]
    public void LayersPrintAsPyTorch(Func<Module> make, string expected) => Assert.That(make().ToString(), Is.EqualTo(expected));

    [Test]
    public void SummaryOfReluLeNet() =>
        Assert.That(LeNet.Create("relu", new Generator(0)).Summary(1, 1, 28, 28), Is.EqualTo(
            """
            Layer (type)                  Output Shape        Param #
            =========================================================
            Sequential                    [1, 10]                  --
              (0): Conv2d                 [1, 6, 28, 28]          156
              (1): ReLU                   [1, 6, 28, 28]           --
              (2): MaxPool2d              [1, 6, 14, 14]           --
              (3): Conv2d                 [1, 16, 10, 10]       2,416
              (4): ReLU                   [1, 16, 10, 10]          --
              (5): MaxPool2d              [1, 16, 5, 5]            --
              (6): Flatten                [1, 400]                 --
              (7): Linear                 [1, 120]             48,120
              (8): ReLU                   [1, 120]                 --
              (9): Linear                 [1, 84]              10,164
              (10): ReLU                  [1, 84]                  --
              (11): Linear                [1, 10]                 850
            =========================================================
            Total params: 61,706
            Trainable params: 61,706
            Non-trainable params: 0
            Input size (MB): 0.00
            Params size (MB): 0.25
            =========================================================
            """));

    [Test]
    public void SummaryOfClassicLeNetFollowsTheShapesWithoutPadding()
    {
        string summary = LeNet.Create("classic", new Generator(0)).Summary(4, 1, 28, 28);
        Assert.That(summary, Does.Contain("  (0): Conv2d                 [4, 6, 24, 24]          156\n"));
        Assert.That(summary, Does.Contain("  (6): Flatten                [4, 256]                 --\n"));
        Assert.That(summary, Does.Contain("  (7): Linear                 [4, 120]             30,840\n"));
        Assert.That(summary, Does.Contain("Total params: 44,426\n"));
    }

    [Test]
    public void SummaryIndentsNestedSequentialsAndCountsFrozenParameters()
    {
        var net = new Sequential(new Sequential(new Linear(2, 3), new ReLU()), new Linear(3, 1));
        foreach (var p in net[1].Parameters()) p.RequiresGrad = false;
        Assert.That(net.Summary(5, 2), Is.EqualTo(
            """
            Layer (type)                  Output Shape        Param #
            =========================================================
            Sequential                    [5, 1]                   --
              (0): Sequential             [5, 3]                   --
                (0): Linear               [5, 3]                    9
                (1): ReLU                 [5, 3]                   --
              (1): Linear                 [5, 1]                    4
            =========================================================
            Total params: 13
            Trainable params: 9
            Non-trainable params: 4
            Input size (MB): 0.00
            Params size (MB): 0.00
            =========================================================
            """));
    }

    [Test]
    public void SummaryRecordsNoGradientsAndLeavesTheModelUnchanged()
    {
        var net = LeNet.Create("d2l", new Generator(0));
        var before = net.StateDict().Values.Select(t => t.ToArray()).ToList();
        _ = net.Summary(2, 1, 28, 28);
        Assert.That(net.Parameters(), Has.All.Matches<Tensor>(p => p.Grad is null));
        Assert.That(net.StateDict().Values.Select(t => t.ToArray()), Is.EqualTo(before));
    }

    [Test]
    public void SummaryNamesTheLayerThatRejectsTheShape()
    {
        var e = Assert.Throws<ConvEngineException>(() => LeNet.Create("relu", new Generator(0)).Summary(1, 1, 32, 32));
        Assert.That(e!.Message, Does.StartWith("summary: layer 7 (Linear) failed on input of shape [1, 576]: "));
    }
}
