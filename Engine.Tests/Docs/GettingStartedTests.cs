using ConvEngine.Kernels;
using ConvEngine.Nn;
using ConvEngine.Optim;
using ConvEngine.Serialization;

namespace ConvEngine.Tests.Docs;

/// <summary>
/// The code of docs/getting-started.md, run: each test holds a snippet the page quotes (DocSnippetTests checks
/// the quotes are verbatim) and asserts what it prints, which the page shows beside it. Expected output is
/// PyTorch 1.13's for the same code where PyTorch has an equivalent.
/// </summary>
[NonParallelizable] // captures Console.Out and seeds Generator.Default
public sealed class GettingStartedTests
{
    private static string Printed(Action snippet)
    {
        var saved = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(output);
        try { snippet(); }
        finally { Console.SetOut(saved); }
        return output.ToString();
    }

    [Test]
    public void Tensors() => Assert.That(Printed(() =>
    {
        var x = Tensor.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });   // (2, 3)
        var y = Tensor.Ones(3);                                                 // (3): broadcast over the rows
        var z = (x + y) * 2f;
        Console.WriteLine(z.Shape);
        Console.WriteLine(z);
        Console.WriteLine(z.Sum(1));                  // sum along dim 1: (2)
        Console.WriteLine(z[1, 2].Item());            // one element as a float
        Console.WriteLine(string.Join(", ", z[.., 0].ToArray()));   // column 0, copied to the host
        Console.WriteLine(x.Matmul(x.T()));           // (2, 3) @ (3, 2) → (2, 2)
    }), Is.EqualTo(
        """
        [2, 3]
        tensor([[ 4.,  6.,  8.],
                [10., 12., 14.]])
        tensor([18., 36.])
        14
        4, 10
        tensor([[14., 32.],
                [32., 77.]])

        """));

    [Test]
    public void Autograd() => Assert.That(Printed(() =>
    {
        var x = Tensor.Arange(4).RequiresGrad_();     // 0, 1, 2, 3: a leaf that records its uses
        var y = 2f * x.Matmul(x);                     // y = 2·xᵀx, a scalar
        y.Backward();                                 // dy/dx = 4x, added to x.Grad
        Console.WriteLine(y);
        Console.WriteLine(x.Grad);
        using (Tensor.NoGrad())
        {
            var z = x * 3f;                           // not recorded
            Console.WriteLine(z.RequiresGrad);
        }
    }), Is.EqualTo(
        """
        tensor(28., grad_fn=<MulBackward0>)
        tensor([ 0.,  4.,  8., 12.])
        False

        """));

    [Test]
    public void CustomModule() => Assert.That(Printed(() =>
    {
        var net = new Mlp(784, 256, 10);
        Console.WriteLine(net);
        Console.WriteLine(string.Join(", ", net.StateDict().Select(p => $"{p.Key} {p.Value.Shape}")));
        var logits = net.Forward(Tensor.Rand(32, 784));   // (32, 784) → (32, 10)
        Console.WriteLine(logits.Shape);
    }), Is.EqualTo(
        """
        Mlp(
          (hidden): Linear(in_features=784, out_features=256, bias=True)
          (output): Linear(in_features=256, out_features=10, bias=True)
        )
        hidden.weight [256, 784], hidden.bias [256], output.weight [10, 256], output.bias [10]
        [32, 10]

        """));

    [Test]
    public void SequentialSummary()
    {
        string printed = Printed(() =>
        {
            var net = new Sequential(
                new Conv2d(1, 8, 3, padding: 1), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(8 * 14 * 14, 10));
            Console.WriteLine(net.Summary(1, 1, 28, 28));    // the input's shape, batch included: (N, C, H, W)
        });
        Assert.That(printed, Is.EqualTo(
            """
            Layer (type)                  Output Shape        Param #
            =========================================================
            Sequential                    [1, 10]                  --
              (0): Conv2d                 [1, 8, 28, 28]           80
              (1): ReLU                   [1, 8, 28, 28]           --
              (2): MaxPool2d              [1, 8, 14, 14]           --
              (3): Flatten                [1, 1568]                --
              (4): Linear                 [1, 10]              15,690
            =========================================================
            Total params: 15,770
            Trainable params: 15,770
            Non-trainable params: 0
            Input size (MB): 0.00
            Params size (MB): 0.06
            =========================================================

            """));
    }

    [Test]
    public void TrainingStepSaveAndLoad()
    {
        string path = Path.Combine(Path.GetTempPath(), $"convengine-docs-{Guid.NewGuid():N}.safetensors");
        try
        {
            Generator.Default.ManualSeed(0);
            var images = Tensor.Rand(8, 1, 28, 28);
            var labels = Tensor.FromArray([0f, 1, 2, 3, 4, 5, 6, 7]);
            var net = new Sequential(new Flatten(), new Linear(784, 10));
            var optimizer = new SGD(net.Parameters(), lr: 0.1f);
            float first = float.NaN, last = float.NaN;
            for (int step = 0; step < 20; step++)
            {
                var loss = Functional.CrossEntropy(net.Forward(images), labels);   // images (N, 1, 28, 28), labels (N)
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                if (step == 0) first = loss.Item();
                last = loss.Item();
            }
            Assert.That(last, Is.LessThan(first / 2), "the loss falls on a batch the model can memorise");

            SafeTensors.Save(path, net.StateDict());            // PyTorch's names: 1.weight, 1.bias
            var copy = new Sequential(new Flatten(), new Linear(784, 10));
            copy.LoadStateDict(SafeTensors.Load(path).Tensors);

            Assert.That(copy.Forward(images).ToArray(), Is.EqualTo(net.Forward(images).ToArray()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ChoosingAnAccelerator()
    {
        Device? chosen = null;
        string printed = Printed(() =>
        {
            foreach (var report in Accelerators.Probe())
                Console.WriteLine(report.Devices.Count > 0
                    ? $"{report.Kind}: {string.Join(", ", report.Devices.Select(d => d.Name))}"
                    : $"{report.Kind}: unavailable ({report.UnavailableReason})");

            var device = Device.Parse("auto");                  // a CUDA device, else an OpenCL GPU, else the CPU
            var net = new Sequential(new Linear(4, 2)).To(device);
            var x = Tensor.Rand(8, 4).To(device);               // inputs must live on the model's device
            Console.WriteLine(net.Forward(x).Device);
            chosen = device;
        });
        var lines = printed.TrimEnd('\n').Split('\n');
        Assert.That(lines[..3].Select(l => l.Split(':')[0]), Is.EqualTo(new[] { "cpu", "opencl", "cuda" }));
        Assert.That(lines[0], Is.EqualTo("cpu: cpu"));
        Assert.That(lines[3], Is.EqualTo(chosen!.Name));
    }

    [Test]
    public void MixingDevicesNamesBoth()
    {
        var opencl = Accelerators.Probe().Single(r => r.Kind == "opencl");
        if (opencl.Devices.Count == 0) Assert.Ignore($"opencl unavailable: {opencl.UnavailableReason}");
        var device = Device.For(opencl.Devices[0]);
        var e = Assert.Throws<ConvEngineException>(() => _ = Tensor.Ones(2).To(device) + Tensor.Ones(2));
        Assert.That(e!.Message, Is.EqualTo(
            $"Expected all tensors to be on the same device, but found at least two devices, {device.Name} and cpu!"));
    }
}

/// <summary>A two-layer perceptron written as a module: its layers, registered as children, get PyTorch's names.</summary>
public sealed class Mlp : Module
{
    private readonly Linear _hidden, _output;

    /// <summary>Input (N, inputs) → hidden (N, hidden) → output (N, outputs).</summary>
    public Mlp(int inputs, int hidden, int outputs)
    {
        _hidden = RegisterModule("hidden", new Linear(inputs, hidden));
        _output = RegisterModule("output", new Linear(hidden, outputs));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => _output.Forward(_hidden.Forward(input).Relu());
}
