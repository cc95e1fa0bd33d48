using ConvEngine.Nn;

namespace ConvEngine.Tests;

/// <summary>
/// Modules as PyTorch's nn: state-dict names and shapes, parameter counts, repr, and default
/// initialisation drawn from the same random stream as PyTorch for the same seed. Expected values come
/// from PyTorch 1.13 (Python beside each). Runs on the CPU: modules are created there.
/// </summary>
[NonParallelizable] // seeds Generator.Default, which every module without its own generator draws from
public sealed class ModuleTests
{
    /// <summary>The d2l LeNet (chapter 7.6): sigmoid activations, average pooling.</summary>
    private static Sequential D2lLeNet() => new(
        new Conv2d(1, 6, 5, padding: 2), new Sigmoid(),
        new AvgPool2d(2, 2),
        new Conv2d(6, 16, 5), new Sigmoid(),
        new AvgPool2d(2, 2),
        new Flatten(),
        new Linear(16 * 5 * 5, 120), new Sigmoid(),
        new Linear(120, 84), new Sigmoid(),
        new Linear(84, 10));

    [Test]
    public void LeNetStateDictNamesAndShapes()
    {
        // [(k, list(v.shape)) for k, v in net.state_dict().items()]
        var expected = new (string, int[])[]
        {
            ("0.weight", [6, 1, 5, 5]), ("0.bias", [6]), ("3.weight", [16, 6, 5, 5]), ("3.bias", [16]),
            ("7.weight", [120, 400]), ("7.bias", [120]), ("9.weight", [84, 120]), ("9.bias", [84]),
            ("11.weight", [10, 84]), ("11.bias", [10]),
        };
        var state = D2lLeNet().StateDict();
        Assert.That(state.Keys, Is.EqualTo(expected.Select(e => e.Item1)));
        foreach (var (name, shape) in expected)
            Assert.That(state[name].Shape.ToArray(), Is.EqualTo(shape), name);
    }

    [Test]
    public void LeNetParameterCount() => // sum(p.numel() for p in net.parameters())
        Assert.That(D2lLeNet().Parameters().Sum(p => p.Numel), Is.EqualTo(61706));

    [Test]
    public void ParametersAreLeavesRequiringGrad()
    {
        var ps = D2lLeNet().Parameters().ToList();
        Assert.That(ps, Has.Count.EqualTo(10));
        Assert.That(ps, Has.All.Matches<Tensor>(p => p.IsLeaf && p.RequiresGrad));
    }

    [Test]
    public void StateDictIsDetachedButSharesMemory()
    {
        var net = new Linear(2, 1);
        var w = net.StateDict()["weight"];
        Assert.That(w.RequiresGrad, Is.False);
        w.CopyFrom(Tensor.FromArray([3f, 4f], 1, 2));
        Assert.That(net.Weight.ToArray(), Is.EqualTo(new[] { 3f, 4f }));
    }

    [Test]
    public void BiasFalseRegistersNoBias()
    {
        var conv = new Conv2d(2, 3, 3, bias: false);
        Assert.That(conv.Bias, Is.Null);
        Assert.That(conv.StateDict().Keys, Is.EqualTo(new[] { "weight" }));
    }

    [Test]
    public void ReprOfOtherLayerOptions()
    {
        // nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Conv2d(6, 16, (3, 5), stride=(2, 1), bias=False),
        //               nn.Tanh(), nn.MaxPool2d((2, 3), padding=(1, 0)), nn.Flatten(), nn.Linear(10, 4, bias=False))
        var net = new Sequential(
            new Conv2d(1, 6, 5, padding: 2), new ReLU(), new MaxPool2d(2, 2),
            new Conv2d(6, 16, (3, 5), stride: (2, 1), bias: false), new Tanh(), new MaxPool2d((2, 3), padding: (1, 0)),
            new Flatten(), new Linear(10, 4, bias: false));
        Assert.That(net.ToString(), Is.EqualTo(
            "Sequential(\n  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n  (1): ReLU()\n  (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n  (3): Conv2d(6, 16, kernel_size=(3, 5), stride=(2, 1), bias=False)\n  (4): Tanh()\n  (5): MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=(1, 0), dilation=1, ceil_mode=False)\n  (6): Flatten(start_dim=1, end_dim=-1)\n  (7): Linear(in_features=10, out_features=4, bias=False)\n)"));
    }

    [Test]
    public void ReprOfNestedSequential() => // repr(nn.Sequential(nn.Sequential(nn.Linear(2, 3), nn.ReLU()), nn.Linear(3, 1)))
        Assert.That(new Sequential(new Sequential(new Linear(2, 3), new ReLU()), new Linear(3, 1)).ToString(), Is.EqualTo(
            "Sequential(\n  (0): Sequential(\n    (0): Linear(in_features=2, out_features=3, bias=True)\n    (1): ReLU()\n  )\n  (1): Linear(in_features=3, out_features=1, bias=True)\n)"));

    [Test]
    public void NestedStateDictNames() =>
        Assert.That(new Sequential(new Sequential(new Linear(2, 3), new ReLU()), new Linear(3, 1)).StateDict().Keys,
            Is.EqualTo(new[] { "0.0.weight", "0.0.bias", "1.weight", "1.bias" }));

    [Test]
    public void ZeroGradClearsEveryParameter()
    {
        var net = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
        net.Forward(Tensor.Ones(4, 2)).Sum().Backward();
        Assert.That(net.Parameters(), Has.All.Matches<Tensor>(p => p.Grad is not null));
        net.ZeroGrad();
        Assert.That(net.Parameters(), Has.All.Matches<Tensor>(p => p.Grad is null));
    }

    [Test]
    public void TrainAndEvalReachChildren()
    {
        var inner = new Linear(2, 2);
        var net = new Sequential(new Sequential(inner));
        net.Eval();
        Assert.That(inner.Training, Is.False);
        net.Train();
        Assert.That(inner.Training, Is.True);
    }

    // ---- initialisation and random streams --------------------------------------------------------------

    private static void AssertFloats(Tensor t, double[] expected) =>
        Assert.That(t.ToArray(), Is.EqualTo(expected.Select(v => (float)v).ToArray()));

    [Test]
    public void Conv2dDefaultInitMatchesPyTorch()
    {
        // torch.manual_seed(0); nn.Conv2d(1, 1, (1, 2), bias=False).weight.flatten().tolist()
        Generator.Default.ManualSeed(0);
        AssertFloats(new Conv2d(1, 1, (1, 2), bias: false).Weight, [-0.005293981172144413, 0.37932288646698]);
    }

    [Test]
    public void Conv2dWithBiasInitMatchesPyTorch()
    {
        // torch.manual_seed(0); c = nn.Conv2d(2, 3, 2); c.weight.flatten().tolist(), c.bias.tolist()
        Generator.Default.ManualSeed(0);
        var conv = new Conv2d(2, 3, 2);
        AssertFloats(conv.Weight,
        [
            -0.0026469905860722065, 0.18966144323349, -0.2909903824329376, -0.26019373536109924, -0.13617262244224548,
            0.0948079451918602, -0.007005016785115004, 0.28032875061035156, -0.03137575834989548, 0.09355466812849045,
            -0.10684845596551895, -0.06949635595083237, -0.33776670694351196, -0.23415207862854004, -0.14574287831783295,
            0.013096880167722702, 0.13977210223674774, 0.21214008331298828, -0.23968836665153503, -0.15395936369895935,
            0.12841664254665375, 0.29358646273612976, -0.07276134938001633, 0.26456815004348755,
        ]);
        AssertFloats(conv.Bias!, [-0.05698692053556442, 0.037410933524370193, 0.3201341927051544]);
    }

    [Test]
    public void LinearDefaultInitMatchesPyTorch()
    {
        // torch.manual_seed(0); l = nn.Linear(3, 2); l.weight.flatten().tolist(), l.bias.tolist()
        Generator.Default.ManualSeed(0);
        var linear = new Linear(3, 2);
        AssertFloats(linear.Weight,
            [-0.004322517663240433, 0.3097158372402191, -0.4751853346824646, -0.4248946011066437, -0.2223689705133438, 0.15482072532176971]);
        AssertFloats(linear.Bias!, [-0.011439144611358643, 0.45777493715286255]);
    }

    [Test]
    public void ExplicitGeneratorLeavesTheDefaultAlone()
    {
        // A private generator seeded 0 draws what torch.manual_seed(0) would, and the default one does not advance.
        Generator.Default.ManualSeed(123);
        var before = new Generator(123).NextUInt32();
        var linear = new Linear(3, 2, generator: new Generator(0));
        AssertFloats(linear.Bias!, [-0.011439144611358643, 0.45777493715286255]);
        Assert.That(Generator.Default.NextUInt32(), Is.EqualTo(before));
    }

    [Test]
    public void RandMatchesPyTorch()
    {
        // g = torch.Generator().manual_seed(0); torch.rand(5, generator=g).tolist()
        AssertFloats(Tensor.Rand([5], new Generator(0)),
            [0.49625658988952637, 0.7682217955589294, 0.08847743272781372, 0.13203048706054688, 0.30742281675338745]);
        // torch.manual_seed(3); torch.rand(2, 3).tolist()
        Generator.Default.ManualSeed(3);
        var r = Tensor.Rand(2, 3);
        Assert.That(r.Shape.ToArray(), Is.EqualTo(new[] { 2, 3 }));
        AssertFloats(r, [0.004263520240783691, 0.10556936264038086, 0.2858424782752991, 0.026954829692840576, 0.47161436080932617, 0.06011629104614258]);
    }

    // Box–Muller in float32 with MathF may round differently from ATen's vectorised log/cos/sin in the last bits.
    private static void AssertNormals(Tensor t, double[] expected) =>
        Assert.That(t.ToArray(), Is.EqualTo(expected.Select(v => (float)v).ToArray()).Within(1e-5f));

    [Test]
    public void Randn16MatchesPyTorch() // torch.manual_seed(42); torch.randn(16).tolist()
    {
        Generator.Default.ManualSeed(42);
        AssertNormals(Tensor.Randn(16),
        [
            1.9269152879714966, 1.4872840642929077, 0.9007171988487244, -2.1055209636688232, 0.6784184575080872,
            -1.2345448732376099, -0.04306747764348984, -1.6046669483184814, -0.7521352767944336, 1.6487230062484741,
            -0.3924786448478699, -1.4036071300506592, -0.7278813123703003, -0.5594301819801331, -0.7688388824462891,
            0.7624453902244568,
        ]);
    }

    [Test]
    public void Randn20MatchesPyTorch() // torch.manual_seed(42); torch.randn(20).tolist(): the last 16 are redrawn
    {
        AssertNormals(Tensor.Randn([20], new Generator(42)),
        [
            1.9269152879714966, 1.4872840642929077, 0.9007171988487244, -2.1055209636688232, -0.7581311464309692,
            1.078317642211914, 0.8008005619049072, 1.680620551109314, 0.3558599054813385, -0.6866229772567749,
            -0.4933563470840454, 0.2414877861738205, -0.2316243201494217, 0.041759490966796875, -0.2515752911567688,
            0.859858512878418, -0.3097267746925354, -0.3957104980945587, 0.8034093379974365, -0.6215953826904297,
        ]);
    }

    [Test]
    public void Randn33MatchesPyTorch() // torch.manual_seed(42); torch.randn(33).tolist()
    {
        AssertNormals(Tensor.Randn([33], new Generator(42)),
        [
            1.9269152879714966, 1.4872840642929077, 0.9007171988487244, -2.1055209636688232, 0.6784184575080872,
            -1.2345448732376099, -0.04306747764348984, -1.6046669483184814, -0.7521352767944336, 1.6487230062484741,
            -0.3924786448478699, -1.4036071300506592, -0.7278813123703003, -0.5594301819801331, -0.7688388824462891,
            0.7624453902244568, 1.6423169374465942, -0.8712361454963684, -0.223365917801857, 1.7173614501953125,
            0.3188803195953369, -0.42451897263526917, 0.3057209253311157, -0.7745925188064575, 0.0349123440682888,
            0.9956361055374146, -0.8797858357429504, -0.6011420488357544, -1.2741512060165405, 2.1227850914001465,
            -1.234653115272522, -0.4879138767719269, -1.4180599451065063,
        ]);
    }
}
