using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ConvEngine.Data;
using ConvEngine.Nn;
using ConvEngine.Optim;
using ConvEngine.Samples;
using ConvEngine.Samples.Models;
using ConvEngine.Samples.Training;
using ConvEngine.Serialization;

namespace ConvEngine.Tests;

/// <summary>
/// LeNet's model, training step, checkpoints and command line. Runs on the CPU in seconds: the command-line
/// runs train on a tiny synthetic Fashion-MNIST-shaped dataset written as IDX files, never on the real one.
/// </summary>
[TestFixture]
public partial class LeNetTrainingTests
{
    private string _temp = "";

    [SetUp]
    public void CreateTempFolder() => _temp = Directory.CreateTempSubdirectory("lenet-tests-").FullName;

    [TearDown]
    public void DeleteTempFolder() => Directory.Delete(_temp, recursive: true);

    private static readonly string[] Names = ["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias", "11.weight", "11.bias"];

    [TestCase("d2l", 400)]
    [TestCase("relu", 400)]
    [TestCase("classic", 256)]
    public void Create_HasPyTorchStateDictNamesAndShapes(string variant, int features)
    {
        var state = LeNet.Create(variant, new Generator(0)).StateDict();
        int[][] shapes = [[6, 1, 5, 5], [6], [16, 6, 5, 5], [16], [120, features], [120], [84, 120], [84], [10, 84], [10]];
        Assert.That(state.Keys, Is.EqualTo(Names));
        for (int i = 0; i < Names.Length; i++) Assert.That(state[Names[i]].Shape.ToArray(), Is.EqualTo(shapes[i]), Names[i]);
    }

    [Test]
    public void Create_PrintsLikeTheSameNnSequential()
    {
        Assert.That(LeNet.Create("d2l").ToString(), Is.EqualTo(
            "Sequential(\n  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n  (1): Sigmoid()\n"
            + "  (2): AvgPool2d(kernel_size=2, stride=2, padding=0)\n  (3): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))\n"
            + "  (4): Sigmoid()\n  (5): AvgPool2d(kernel_size=2, stride=2, padding=0)\n  (6): Flatten(start_dim=1, end_dim=-1)\n"
            + "  (7): Linear(in_features=400, out_features=120, bias=True)\n  (8): Sigmoid()\n"
            + "  (9): Linear(in_features=120, out_features=84, bias=True)\n  (10): Sigmoid()\n"
            + "  (11): Linear(in_features=84, out_features=10, bias=True)\n)"));
    }

    // PyTorch: torch.manual_seed(0); the same nn.Sequential; net.apply(xavier_uniform_ on Conv2d/Linear weights);
    // then torch.manual_seed(1); net(torch.rand(2, 1, 28, 28)).flatten()[:3].
    [TestCase("d2l", -0.030876f, 0.005560f, -0.036089f, new[] { -0.8910037f, -0.1855530f, -0.6260280f })]
    [TestCase("relu", -0.030876f, 0.005560f, -0.036089f, new[] { -0.3513185f, -0.1453758f, -0.1097609f })]
    [TestCase("classic", -0.176300f, -0.093676f, -0.015489f, new[] { -1.3618773f, -0.2603537f, -0.2643771f })]
    public void Create_Seed0_GivesPyTorchsXavierWeightsAndOutputs(string variant, float conv0, float linear7, float bias11, float[] outputs)
    {
        var net = LeNet.Create(variant, new Generator(0));
        var state = net.StateDict();
        Assert.That(state["0.weight"].ToArray()[0], Is.EqualTo(conv0).Within(1e-6));
        Assert.That(state["7.weight"].ToArray()[0], Is.EqualTo(linear7).Within(1e-6));
        Assert.That(state["11.bias"].ToArray()[0], Is.EqualTo(bias11).Within(1e-6));
        var y = net.Forward(Tensor.Rand([2, 1, 28, 28], new Generator(1)));
        Assert.That(y.Shape.ToArray(), Is.EqualTo(new[] { 2, 10 }));
        Assert.That(y.ToArray()[..3], Is.EqualTo(outputs).Within(1e-5));
    }

    [Test]
    public void Create_UnknownVariant_Throws() =>
        Assert.That(() => LeNet.Create("alexnet"), Throws.TypeOf<ConvEngineException>().With.Message.Contains("d2l, relu, classic"));

    // Full-batch steps on 40 synthetic images. The sigmoid variants sit on their well-known plateau near ln 10 for
    // the first hundred-odd steps (their first epoch on Fashion-MNIST shows it too), so within a test's budget they
    // must only go down; ReLU with Adam must fit the batch.
    [TestCase("d2l", 2.45f)]
    [TestCase("classic", 2.45f)]
    [TestCase("relu", 1.0f)]
    public void TrainingSteps_LowerTheLoss(string variant, float below)
    {
        var net = LeNet.Create(variant, new Generator(0));
        var optimizer = LeNet.CreateOptimizer(variant, net, LeNet.DefaultLearningRate(variant));
        var (x, y) = SyntheticBatch(40, seed: 1);
        var losses = new List<float>();
        for (int step = 0; step < 20; step++)
        {
            var loss = Functional.CrossEntropy(net.Forward(x), y);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            losses.Add(loss.Item());
        }
        Assert.That(losses[0], Is.GreaterThan(2.3f), "starts at chance");
        Assert.That(losses[^1], Is.LessThan(below), string.Join(" ", losses));
    }

    [Test]
    public void Checkpoint_SaveThenLoad_GivesIdenticalOutputs()
    {
        var net = LeNet.Create("relu", new Generator(3));
        var optimizer = LeNet.CreateOptimizer("relu", net, 1e-3f);
        var (x, y) = SyntheticBatch(8, seed: 2);
        Step(net, optimizer, x, y);
        Checkpoint.Save(_temp, net, optimizer, new RunSettings("relu", 1e-3f, 8, 3), [new EpochResult(1, 2.0, 0.1, 0.2, 1.5, 5.3)]);

        var loaded = Checkpoint.LoadModel(_temp, Device.Cpu);
        Assert.That(loaded.Variant, Is.EqualTo("relu"));
        Assert.That(loaded.Epoch, Is.EqualTo(1));
        Assert.That(loaded.Net.Forward(x).ToArray(), Is.EqualTo(net.Forward(x).ToArray()));
    }

    [Test]
    public void Checkpoint_Garbage_IsRejectedNamingTheFile()
    {
        string path = Path.Combine(_temp, "model.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.That(() => Checkpoint.LoadModel(path, Device.Cpu), Throws.TypeOf<ConvEngineException>().With.Message.StartsWith(path));
    }

    [Test]
    public void Checkpoint_WrongShapes_AreRejectedNamingTheFile()
    {
        var classic = LeNet.Create("classic", new Generator(0));
        string path = Path.Combine(_temp, "model.safetensors");
        SafeTensors.Save(path, classic.StateDict(), new Dictionary<string, string> { ["variant"] = "d2l", ["epoch"] = "1" });
        Assert.That(() => Checkpoint.LoadModel(path, Device.Cpu),
            Throws.TypeOf<ConvEngineException>().With.Message.Contains("size mismatch for 7.weight"));
    }

    [TestCase("sgd-momentum")]
    [TestCase("sgd")]
    [TestCase("adam")]
    public void OptimizerState_RoundTrip_MakesTheResumedStepIdentical(string kind)
    {
        Optimizer Make(Module net) => kind switch
        {
            "sgd-momentum" => new SGD(net.Parameters(), 0.1f, momentum: 0.9f),
            "sgd" => new SGD(net.Parameters(), 0.9f),
            _ => new Adam(net.Parameters(), 1e-3f),
        };
        var batches = Enumerable.Range(0, 3).Select(i => SyntheticBatch(8, seed: 10 + i)).ToArray();
        var net = LeNet.Create("relu", new Generator(5));
        var optimizer = Make(net);
        Step(net, optimizer, batches[0].X, batches[0].Y);
        Step(net, optimizer, batches[1].X, batches[1].Y);
        string modelPath = Path.Combine(_temp, "m.safetensors"), optimizerPath = Path.Combine(_temp, "o.safetensors");
        SafeTensors.Save(modelPath, net.StateDict());
        SafeTensors.Save(optimizerPath, optimizer.StateDict());
        Step(net, optimizer, batches[2].X, batches[2].Y);

        var resumed = LeNet.Create("relu", new Generator(99));
        resumed.LoadStateDict(SafeTensors.Load(modelPath).Tensors);
        var resumedOptimizer = Make(resumed);
        resumedOptimizer.LoadStateDict(SafeTensors.Load(optimizerPath).Tensors);
        Step(resumed, resumedOptimizer, batches[2].X, batches[2].Y);

        foreach (var (name, value) in net.StateDict())
            Assert.That(resumed.StateDict()[name].ToArray(), Is.EqualTo(value.ToArray()), name);
        Assert.That(resumedOptimizer.StateDict().Keys, Is.EqualTo(optimizer.StateDict().Keys));
    }

    [Test]
    public void OptimizerStateDict_UsesPyTorchsNames()
    {
        var net = LeNet.Create("relu", new Generator(0));
        var adam = new Adam(net.Parameters());
        var sgd = new SGD(net.Parameters(), 0.1f, momentum: 0.9f);
        Assert.That(adam.StateDict(), Is.Empty, "no state before the first step");
        var (x, y) = SyntheticBatch(4, seed: 0);
        Step(net, adam, x, y);
        Step(net, sgd, x, y);
        var state = adam.StateDict();
        Assert.That(state.Keys.Take(3), Is.EqualTo(new[] { "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq" }));
        Assert.That(state.Count, Is.EqualTo(30));
        Assert.That(state["state.0.step"].Item(), Is.EqualTo(1f));
        Assert.That(state["state.9.exp_avg"].Shape.ToArray(), Is.EqualTo(new[] { 10 }));
        Assert.That(sgd.StateDict().Keys, Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"state.{i}.momentum_buffer")));
    }

    [Test]
    public void OptimizerLoadStateDict_RejectsBadStateAndChangesNothing()
    {
        var net = LeNet.Create("relu", new Generator(0));
        var adam = new Adam(net.Parameters());
        var (x, y) = SyntheticBatch(4, seed: 0);
        Step(net, adam, x, y);
        var good = adam.StateDict();

        var bad = new Dictionary<string, Tensor>(good) { ["state.10.exp_avg"] = Tensor.Zeros(1) };
        bad.Remove("state.1.exp_avg_sq");
        bad["state.2.exp_avg"] = Tensor.Zeros(3);
        bad["state.3.step"] = Tensor.Scalar(1.5f);
        Assert.That(() => adam.LoadStateDict(bad), Throws.TypeOf<ConvEngineException>().With.Message
            .Contains("unexpected key \"state.10.exp_avg\"").And.Message.Contains("missing key \"state.1.exp_avg_sq\"")
            .And.Message.Contains("size mismatch for state.2.exp_avg").And.Message.Contains("state.3.step is 1.5"));
        Assert.That(adam.StateDict()["state.2.exp_avg"].ToArray(), Is.EqualTo(good["state.2.exp_avg"].ToArray()));
    }

    [Test]
    public void HistoryCsv_RoundTripsExactly()
    {
        List<EpochResult> history = [new(1, 2.302585092994046, 0.1, 0.25, 3.95, 15190.4), new(2, 0.5, 0.81, 0.8, 3.5, 17000)];
        string path = Path.Combine(_temp, "history.csv");
        AtomicFile.WriteText(path, HistoryCsv.Format(history));
        Assert.That(File.ReadAllLines(path)[0], Is.EqualTo("epoch,loss,train_acc,test_acc,time_s,ex_per_s"));
        Assert.That(HistoryCsv.Read(path), Is.EqualTo(history));
    }

    [Test]
    public void EpochLine_HasTheIssuesFormat() =>
        Assert.That(new EpochResult(3, 0.38512, 0.8619, 0.86504, 3.9512, 15190.2).ToString(),
            Is.EqualTo("epoch 3 loss 0.385 train acc 0.862 test acc 0.865 time 3.95 s 15190 ex/s"));

    [Test]
    public void CurvesSvg_DrawsThreeLabelledCurvesWithAxes()
    {
        List<EpochResult> history = [new(1, 2.3, 0.1, 0.2, 4, 15000), new(2, 1.2, 0.5, 0.6, 4, 15000), new(3, 0.6, 0.75, 0.78, 4, 15000)];
        var svg = XDocument.Parse(CurvesSvg.Render(history, "LeNet <d2l>"));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var polylines = svg.Descendants(ns + "polyline").ToList();
        Assert.That(polylines, Has.Count.EqualTo(3));
        foreach (var line in polylines) Assert.That(line.Attribute("points")!.Value.Split(' '), Has.Length.EqualTo(3));
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.That(texts, Is.SupersetOf(new[] { "train loss", "train acc", "test acc", "epoch", "1", "2", "3", "LeNet <d2l>" }));
        Assert.That(texts, Does.Contain("0.0").And.Contain("2.5"), "y ticks span the values");
    }

    // ---- the command line, on a tiny synthetic dataset ---------------------------------------------------------

    [TestCase("lenet --variant alexnet", "--variant must be one of d2l, relu, classic")]
    [TestCase("lenet --epochs 0", "--epochs must be positive")]
    [TestCase("lenet --batch-size 0", "--batch-size must be positive")]
    [TestCase("lenet --lr -1", "--lr must be positive")]
    [TestCase("lenet --resume /no/such/run", "no such checkpoint")]
    [TestCase("lenet --resume /no/such/model.safetensors", "no such checkpoint")]
    [TestCase("evaluate --checkpoint /no/such/model.safetensors", "no such checkpoint")]
    [TestCase("predict --checkpoint /no/such/model.safetensors --index -1", "--index must not be negative")]
    public void Cli_BadArguments_PrintOneErrorLineAndExit1(string commandLine, string message)
    {
        var (exitCode, output, error) = RunCli(commandLine.Split(' '));
        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Match(@"^error: [^\n]+\n$").And.Contain(message));
    }

    [TestCase("d2l")]
    [TestCase("relu")]
    public void Cli_ResumedRun_EqualsUninterruptedRun(string variant)
    {
        string data = WriteTinyDataset(), straight = Path.Combine(_temp, "straight"), split = Path.Combine(_temp, "split");
        string common = $"--variant {variant} --batch-size 16 --seed 4 --data {data}";
        var first = RunCli($"lenet {common} --epochs 1 --out {split}".Split(' '));
        Assert.That(first.ExitCode, Is.Zero, first.Error);
        Assert.That(first.Output, Does.Match(@"(?m)^epoch 1 loss \d\.\d{3} train acc \d\.\d{3} test acc \d\.\d{3} time \d+\.\d{2} s \d+ ex/s$"));
        var resumed = RunCli($"lenet --resume {Path.Combine(split, "optimizer.safetensors")} --epochs 2 --data {data}".Split(' '));
        Assert.That(resumed.ExitCode, Is.Zero, resumed.Error);
        Assert.That(resumed.Output, Does.Match(@"(?m)^epoch 2 ").And.Not.Match(@"(?m)^epoch 1 "));
        var whole = RunCli($"lenet {common} --epochs 2 --out {straight}".Split(' '));
        Assert.That(whole.ExitCode, Is.Zero, whole.Error);

        foreach (var file in new[] { "model.safetensors", "optimizer.safetensors" })
            Assert.That(File.ReadAllBytes(Path.Combine(split, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(straight, file))), file);
        // Everything but the timings matches.
        static string[] Learning(string folder) => File.ReadAllLines(Path.Combine(folder, "history.csv"))
            .Select(l => string.Join(',', l.Split(',')[..4])).ToArray();
        Assert.That(Learning(split), Is.EqualTo(Learning(straight)));
        Assert.That(Learning(split), Has.Length.EqualTo(3));
        Assert.That(XDocument.Load(Path.Combine(split, "curves.svg")).Root!.Name.LocalName, Is.EqualTo("svg"));
    }

    [Test]
    public void Cli_Resume_RejectsChangedSettingsAndFinishedRuns()
    {
        string data = WriteTinyDataset(), run = Path.Combine(_temp, "run");
        Assert.That(RunCli($"lenet --variant relu --epochs 1 --batch-size 32 --data {data} --out {run}".Split(' ')).ExitCode, Is.Zero);
        foreach (var (args, message) in new[]
        {
            ($"lenet --resume {run} --epochs 1 --data {data}", "already trained 1 epochs"),
            ($"lenet --resume {run} --epochs 2 --variant d2l --data {data}", "--variant d2l differs from the checkpoint's relu"),
            ($"lenet --resume {run} --epochs 2 --batch-size 16 --data {data}", "--batch-size 16 differs"),
            ($"lenet --variant relu --data {data} --out {run}", "already holds a checkpoint"),
        })
        {
            var (exitCode, _, error) = RunCli(args.Split(' '));
            Assert.That(exitCode, Is.EqualTo(1), args);
            Assert.That(error, Does.Match(@"^error: [^\n]+\n$").And.Contain(message), args);
        }
    }

    [Test]
    public void Cli_EvaluateAndPredict_ReadTheCheckpointsVariant()
    {
        string data = WriteTinyDataset(), run = Path.Combine(_temp, "run");
        Assert.That(RunCli($"lenet --variant classic --epochs 1 --batch-size 32 --data {data} --out {run}".Split(' ')).ExitCode, Is.Zero);

        var evaluate = RunCli($"evaluate --checkpoint {Path.Combine(run, "model.safetensors")} --data {data}".Split(' '));
        Assert.That(evaluate.ExitCode, Is.Zero, evaluate.Error);
        Assert.That(evaluate.Output, Does.Contain("classic LeNet after 1 epochs"));
        var acc = Regex.Match(evaluate.Output, @"(?m)^test acc (\d\.\d{3}) \((\d+)/20 correct\)$");
        Assert.That(acc.Success, evaluate.Output);
        var rows = Regex.Matches(evaluate.Output, @"(?m)^(\d) (\S+(?: \S+)?) +((?:\s+\d+){10})$");
        Assert.That(rows.Select(m => m.Groups[2].Value), Is.EqualTo(FashionMnist.ClassNames));
        int diagonal = rows.Select((m, r) => int.Parse(m.Groups[3].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[r])).Sum();
        int total = rows.Sum(m => m.Groups[3].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Sum(int.Parse));
        Assert.That((total, diagonal), Is.EqualTo((20, int.Parse(acc.Groups[2].Value))));

        var predict = RunCli($"predict --checkpoint {run} --index 3 --data {data}".Split(' '));
        Assert.That(predict.ExitCode, Is.Zero, predict.Error);
        var lines = predict.Output.Split('\n');
        Assert.That(lines[0], Is.EqualTo($"test image 3: {FashionMnist.ClassNames[3]} (class 3)"));
        Assert.That(lines[1..29].All(l => l.Length == 56 && l.All(c => Samples.Commands.PredictCommand.Shades.Contains(c))), predict.Output);
        var top = lines[30..33].Select(l => Regex.Match(l, @"^  (.+?) +(\d\.\d{3})(  \(true class\))?$")).ToList();
        Assert.That(top.All(m => m.Success), predict.Output);
        var probabilities = top.Select(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.That(probabilities, Is.Ordered.Descending);
        Assert.That(probabilities.Sum(), Is.LessThanOrEqualTo(1.002));

        var outOfRange = RunCli($"predict --checkpoint {run} --index 20 --data {data}".Split(' '));
        Assert.That((outOfRange.ExitCode, outOfRange.Error), Is.EqualTo((1, "error: --index 20 is past the test set's last image, 19\n")));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static (int ExitCode, string Output, string Error) RunCli(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = Program.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    private static void Step(Module net, Optimizer optimizer, Tensor x, Tensor y)
    {
        var loss = Functional.CrossEntropy(net.Forward(x), y);
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.Step();
    }

    // Images whose class is written in them: class c lights a 4-row band at rows 2c..2c+3, over faint noise.
    private static (byte[] Pixels, byte[] Labels) SyntheticImages(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * 28 * 28];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 10);
            for (int p = 0; p < 28 * 28; p++)
            {
                int row = p / 28;
                bool band = row >= 2 * labels[i] + 4 && row < 2 * labels[i] + 8;
                pixels[i * 784 + p] = (byte)(band ? 200 + random.Next(56) : random.Next(40));
            }
        }
        return (pixels, labels);
    }

    private static (Tensor X, Tensor Y) SyntheticBatch(int count, int seed)
    {
        var (pixels, labels) = SyntheticImages(count, seed);
        return new ImageDataset(pixels, labels, 28, 28).Batch(Enumerable.Range(0, count).ToArray());
    }

    // Fashion-MNIST's four files (gzip IDX) with 64 training and 20 test images.
    private string WriteTinyDataset()
    {
        string folder = Path.Combine(_temp, "data");
        Directory.CreateDirectory(folder);
        void Write(string name, int magic, int[] dims, byte[] payload)
        {
            using var file = File.Create(Path.Combine(folder, name + ".gz"));
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            var header = new List<byte>();
            foreach (int word in dims.Prepend(magic)) header.AddRange(BitConverter.GetBytes(word).Reverse());
            gzip.Write(header.ToArray());
            gzip.Write(payload);
        }
        foreach (var (prefix, count, seed) in new[] { ("train", 64, 1), ("t10k", 20, 2) })
        {
            var (pixels, labels) = SyntheticImages(count, seed);
            Write($"{prefix}-images-idx3-ubyte", 2051, [count, 28, 28], pixels);
            Write($"{prefix}-labels-idx1-ubyte", 2049, [count], labels);
        }
        return folder;
    }
}
