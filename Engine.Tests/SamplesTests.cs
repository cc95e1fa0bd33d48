using System.Globalization;
using System.Text.RegularExpressions;
using ConvEngine.Samples;
using ConvEngine.Samples.Commands;

namespace ConvEngine.Tests;

/// <summary>
/// The Samples commands run in-process on the CPU and print d2l's numbers in PyTorch's format; the command
/// line turns bad input into a non-zero exit code and, for ConvEngine's own errors, one <c>error:</c> line.
/// </summary>
[TestFixture]
public class SamplesTests
{
    private static string Capture(Action<TextWriter> run)
    {
        using var output = new StringWriter();
        run(output);
        return output.ToString();
    }

    private static (int ExitCode, string Output, string Error) RunCli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = Program.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Test]
    public void Corr2d_PrintsD2lResult()
    {
        string text = Capture(o => Corr2dCommand.Run(o, Device.Cpu));
        Assert.That(text, Does.Contain("tensor([[19., 25.],\n        [37., 43.]])"));
    }

    [Test]
    public void Edges_PrintsImageKernelAndBothCorrelations()
    {
        string text = Capture(o => EdgesCommand.Run(o, Device.Cpu));
        string xRow = "[1., 1., 0., 0., 0., 0., 1., 1.]";
        string x = "tensor([" + string.Join(",\n        ", Enumerable.Repeat(xRow, 6)) + "])";
        string yRow = "[ 0.,  1.,  0.,  0.,  0., -1.,  0.]";
        string y = "tensor([" + string.Join(",\n        ", Enumerable.Repeat(yRow, 6)) + "])";
        string transposed = "tensor([" + string.Join(",\n        ", Enumerable.Repeat("[0., 0., 0., 0., 0.]", 8)) + "])";
        Assert.That(text, Does.Contain(x));
        Assert.That(text, Does.Contain("tensor([[ 1., -1.]])"));
        Assert.That(text, Does.Contain(y));
        Assert.That(text, Does.Contain(transposed));
    }

    [Test]
    public void LearnKernel_DefaultsLearnTheEdgeKernelWithFallingLoss()
    {
        string text = Capture(o => LearnKernelCommand.Run(o, Device.Cpu));

        var losses = Regex.Matches(text, @"^epoch (\d+), loss (\d+\.\d{3})$", RegexOptions.Multiline)
            .Select(m => (Epoch: int.Parse(m.Groups[1].Value), Loss: double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))
            .ToList();
        Assert.That(losses.Select(l => l.Epoch), Is.EqualTo(new[] { 2, 4, 6, 8, 10 }));
        for (int i = 1; i < losses.Count; i++)
            Assert.That(losses[i].Loss, Is.LessThan(losses[i - 1].Loss), $"loss rose at epoch {losses[i].Epoch}");

        var weight = Regex.Match(text, @"tensor\(\[\[\[\[\s*(-?\d+\.\d+),\s*(-?\d+\.\d+)\]\]\]\]\)\s*$");
        Assert.That(weight.Success, $"no final weight in:\n{text}");
        Assert.That(double.Parse(weight.Groups[1].Value, CultureInfo.InvariantCulture), Is.EqualTo(1.0).Within(0.1));
        Assert.That(double.Parse(weight.Groups[2].Value, CultureInfo.InvariantCulture), Is.EqualTo(-1.0).Within(0.1));
    }

    // torch.manual_seed(0) gives nn.Conv2d(1, 1, (1, 2), bias=False) the weight [-0.0053, 0.3793]; from there
    // d2l's loop (lr 3e-2, 10 steps) prints these values (checked against an independent float64 replay).
    [Test]
    public void LearnKernel_Seed0_ReproducesPyTorchRun()
    {
        string text = Capture(o => LearnKernelCommand.Run(o, Device.Cpu, seed: 0));
        Assert.That(text, Is.EqualTo(
            "epoch 2, loss 8.330\nepoch 4, loss 1.722\nepoch 6, loss 0.422\nepoch 8, loss 0.125\nepoch 10, loss 0.043\n"
            + "tensor([[[[ 1.0063, -0.9662]]]])\n"));
    }

    [Test]
    public void LearnKernel_HandWrittenWithBias_LearnsKernelAndSmallBias()
    {
        string text = Capture(o => LearnKernelCommand.Run(o, Device.Cpu, bias: true));

        var losses = Regex.Matches(text, @"^epoch \d+, loss (\d+\.\d{3})$", RegexOptions.Multiline)
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.That(losses, Has.Count.EqualTo(5));
        Assert.That(losses, Is.Ordered.Descending);

        var weight = Regex.Match(text, @"^weight: tensor\(\[\[\s*(-?\d+\.\d+),\s*(-?\d+\.\d+)\]\]\)$", RegexOptions.Multiline);
        var bias = Regex.Match(text, @"^bias: tensor\(\[(-?\d+\.\d+)\]\)$", RegexOptions.Multiline);
        Assert.That(weight.Success && bias.Success, $"no learned parameters in:\n{text}");
        Assert.That(double.Parse(weight.Groups[1].Value, CultureInfo.InvariantCulture), Is.EqualTo(1.0).Within(0.1));
        Assert.That(double.Parse(weight.Groups[2].Value, CultureInfo.InvariantCulture), Is.EqualTo(-1.0).Within(0.1));
        Assert.That(double.Parse(bias.Groups[1].Value, CultureInfo.InvariantCulture), Is.EqualTo(0.0).Within(0.1));
    }

    [Test]
    public void PaddingStride_PrintsD2lShapes()
    {
        string text = Capture(o => PaddingStrideCommand.Run(o, Device.Cpu));
        Assert.That(text, Is.EqualTo(
            "X: [8, 8]\n"
            + "Conv2d(1, 1, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)) -> [8, 8]\n"
            + "Conv2d(1, 1, kernel_size=(5, 3), stride=(1, 1), padding=(2, 1)) -> [8, 8]\n"
            + "Conv2d(1, 1, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1)) -> [4, 4]\n"
            + "Conv2d(1, 1, kernel_size=(3, 5), stride=(3, 4), padding=(0, 1)) -> [2, 2]\n"));
    }

    [Test]
    public void Channels_PrintsMultiInputMultiOutputAndEqual1x1()
    {
        string text = Capture(o => ChannelsCommand.Run(o, Device.Cpu));
        Assert.That(text, Does.Contain("tensor([[ 56.,  72.],\n        [104., 120.]])"));
        Assert.That(text, Does.Contain("[3, 2, 2, 2]"));
        Assert.That(text, Does.Contain(
            "tensor([[[ 56.,  72.],\n         [104., 120.]],\n\n"
            + "        [[ 76., 100.],\n         [148., 172.]],\n\n"
            + "        [[ 96., 128.],\n         [192., 224.]]])"));

        var diffs = Regex.Matches(text, @"^max \|matmul - [\w.]+\| = (\S+) \(< 1e-6, equal\)$", RegexOptions.Multiline);
        Assert.That(diffs, Has.Count.EqualTo(2), text);
        foreach (Match m in diffs)
            Assert.That(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Is.LessThan(1e-6));
    }

    [Test]
    public void Pooling_PrintsD2lResults()
    {
        string text = Capture(o => PoolingCommand.Run(o, Device.Cpu));
        Assert.That(text, Does.Contain("tensor([[4., 5.],\n        [7., 8.]])"));
        Assert.That(text, Does.Contain("tensor([[2., 3.],\n        [5., 6.]])"));
        Assert.That(text, Does.Contain(
            "tensor([[[[ 0.,  1.,  2.,  3.],\n          [ 4.,  5.,  6.,  7.],\n"
            + "          [ 8.,  9., 10., 11.],\n          [12., 13., 14., 15.]]]])"));
        Assert.That(text, Does.Contain("tensor([[[[10.]]]])"));

        // Padding 1 / stride 2, and the (2, 3) window with stride (2, 3) and padding (0, 1), agree.
        string padded = "tensor([[[[ 5.,  7.],\n          [13., 15.]]]])";
        Assert.That(Regex.Matches(text, Regex.Escape(padded)), Has.Count.EqualTo(2));

        Assert.That(text, Does.EndWith(
            "tensor([[[[ 5.,  7.],\n          [13., 15.]],\n\n"
            + "         [[ 6.,  8.],\n          [14., 16.]]]])\n"));
    }

    [Test]
    public void Devices_ListsEveryAcceleratorKind()
    {
        string text = Capture(DevicesCommand.Run);
        Assert.That(text, Does.StartWith("cpu:\n  cpu: "));
        Assert.That(text, Does.Match(@"(?m)^opencl:"));
        Assert.That(text, Does.Match(@"(?m)^cuda:"));
    }

    [Test]
    public void Cli_RunsACommand()
    {
        var (exitCode, output, error) = RunCli("corr2d", "--device", "cpu");
        Assert.That(exitCode, Is.Zero, error);
        Assert.That(output, Does.Contain("tensor([[19., 25.],\n        [37., 43.]])"));
    }

    [TestCase("no-such-command")]
    [TestCase("corr2d --no-such-option")]
    [TestCase("learn-kernel --iterations ten")]
    [TestCase("")]
    public void Cli_ParseErrorsPrintUsageAndFail(string commandLine)
    {
        var (exitCode, output, error) = RunCli(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output + error, Does.Contain("Usage:"));
        Assert.That(output + error, Does.Not.Contain("   at "));
    }

    [Test]
    public void LearnKernel_DetectAnomaly_ChangesNothingWhileFinite()
    {
        var (exitCode, output, error) = RunCli("learn-kernel", "--detect-anomaly");
        Assert.That(exitCode, Is.Zero, error);
        Assert.That(output, Is.EqualTo(Capture(o => LearnKernelCommand.Run(o, Device.Cpu))));
        Assert.That(Autograd.AnomalyMode.Enabled, Is.False, "the command's setting ends with it");
    }

    // At lr 10 each step multiplies the error manyfold: the squared loss overflows float at iteration 8.
    [TestCase("learn-kernel --lr 10 --iterations 40", "training diverged at iteration 8: the loss became inf with lr 10; try a lower --lr")]
    [TestCase("learn-kernel --bias --lr 10 --iterations 40", "training diverged at iteration 8: the loss became inf with lr 10; try a lower --lr")]
    [TestCase("learn-kernel --lr 10 --iterations 40 --detect-anomaly", "Function 'Sum' returned inf values in its 0th output in the forward pass.")]
    [TestCase("learn-kernel --bias --lr 10 --iterations 40 --detect-anomaly", "Function 'Pow' returned inf values in its 0th output in the forward pass.")]
    public void LearnKernel_Diverging_StopsWithOneLineInsteadOfPrintingInf(string commandLine, string message)
    {
        var (exitCode, output, error) = RunCli(commandLine.Split(' '));
        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(error, Is.EqualTo($"error: {message}\n"));
        Assert.That(output, Does.Not.Contain("inf").And.Not.Contain("nan"));
    }

    [TestCase("learn-kernel --iterations 0")]
    [TestCase("learn-kernel --iterations -3")]
    [TestCase("learn-kernel --bias --iterations 0")]
    [TestCase("learn-kernel --lr 0")]
    [TestCase("learn-kernel --lr -0.5")]
    [TestCase("learn-kernel --lr Infinity")]
    [TestCase("learn-kernel --lr NaN")]
    [TestCase("corr2d --device opencl:99")]
    [TestCase("pooling --device cuda:0")]
    [TestCase("--device opencl:99 edges")]
    [TestCase("channels --device tpu")]
    public void Cli_EngineErrorsPrintOneErrorLineAndExit1(string commandLine)
    {
        var (exitCode, output, error) = RunCli(commandLine.Split(' '));
        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Match(@"^error: [^\n]+\n$"));
        Assert.That(error, Does.Not.Contain("   at "));
    }
}
