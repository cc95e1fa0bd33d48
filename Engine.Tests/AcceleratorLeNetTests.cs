using System.Diagnostics;
using ConvEngine.Data;
using ConvEngine.Samples.Models;
using ConvEngine.Samples.Training;

namespace ConvEngine.Tests;

/// <summary>
/// A short LeNet training on real Fashion-MNIST, run from the same seed on the CPU backend and on each accelerator
/// device (opencl:N, cuda:N): the two must reach the same test accuracy within 0.01. The ReLU variant with Adam learns within a few hundred steps
/// (the sigmoid one would still sit on its plateau at chance, where any two runs agree), so the check compares two
/// trained models. A fixed subset keeps it to about a minute on PoCL: 6,400 training images in batches of 64 for
/// 3 epochs (300 steps), evaluated on the first 2,000 test images.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.AcceleratorFixtures))]
[NonParallelizable] // minutes of work on every core
public sealed class AcceleratorLeNetTests(string deviceName) : BackendFixture(deviceName)
{
    private const int TrainImages = 6400, TestImages = 2000, BatchSize = 64, Epochs = 3;

    [Test]
    public void LeNet_TrainsToTheCpuBackendsAccuracy()
    {
        // $CONVENGINE_DATA where the data travelled with the tests (tools/cuda/verify.sh), else Debian's package.
        string folder = Environment.GetEnvironmentVariable(FashionMnist.EnvironmentVariable) is { Length: > 0 } given ? given : FashionMnist.SystemFolder;
        FashionMnist data;
        try
        {
            data = FashionMnist.Load(folder);
        }
        catch (ConvEngineException e)
        {
            Assert.Ignore($"{e.Message} (Debian package dataset-fashion-mnist not installed, {FashionMnist.EnvironmentVariable} not set)");
            return;
        }
        ImageDataset train = Subset(data.Train, TrainImages), test = Subset(data.Test, TestImages);

        double cpu = TrainedAccuracy(Device.Cpu, train, test);
        double device = TrainedAccuracy(Device, train, test);

        Assert.That(cpu, Is.GreaterThan(0.7), "the CPU run learned");
        Assert.That(device, Is.EqualTo(cpu).Within(0.01));
    }

    private static double TrainedAccuracy(Device device, ImageDataset train, ImageDataset test)
    {
        var clock = Stopwatch.StartNew();
        var net = LeNet.Create("relu", new Generator(0)).To(device);
        var optimizer = LeNet.CreateOptimizer("relu", net, LeNet.DefaultLearningRate("relu"));
        var loader = new DataLoader(train, BatchSize, shuffle: true, seed: 0, device: device);
        net.Train();
        for (int epoch = 0; epoch < Epochs; epoch++)
            foreach (var (x, y) in loader.Epoch())
            {
                var loss = Functional.CrossEntropy(net.Forward(x), y);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
            }
        double accuracy = Metrics.Accuracy(net, new DataLoader(test, 500, device: device));
        TestContext.Progress.WriteLine($"LeNet (relu) on {device.Name}: test accuracy {accuracy:0.0000} after {Epochs * loader.Count} steps, {clock.Elapsed.TotalSeconds:0.0} s");
        return accuracy;
    }

    private static ImageDataset Subset(ImageDataset all, int count) =>
        new(all.Pixels[..(count * all.Height * all.Width)], all.Labels[..count], all.Height, all.Width);
}
