using BenchmarkDotNet.Attributes;
using ConvEngine.Nn;
using ConvEngine.Optim;
using ConvEngine.Samples.Models;

namespace ConvEngine.Bench;

/// <summary>
/// One LeNet training step at batch 256 through the Engine API, as the <c>lenet</c> sample trains: forward,
/// cross-entropy, zero_grad, backward, optimizer step. The model and its optimizer are the sample's
/// (<see cref="LeNet"/>: <c>d2l</c> sigmoid + average pooling with SGD, <c>relu</c> ReLU + max pooling with Adam);
/// the batch is random images in [0, 1) with labels 0..9 in turn.
/// </summary>
public class LeNetStepBenchmarks : AcceleratorBenchmark, IHasWork
{
    private const int Batch = 256;

    private Sequential _net = null!;
    private Optimizer _optimizer = null!;
    private Tensor _x = null!, _y = null!;

    /// <summary>The LeNet variant.</summary>
    [Params("d2l", "relu")]
    public string Variant { get; set; } = "";

    /// <summary>The model, its optimizer and one batch on the device.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var device = Device.For(Backend);
        var rng = new Generator(0);
        _net = LeNet.Create(Variant, rng);
        _net.To(device);
        _optimizer = LeNet.CreateOptimizer(Variant, _net, LeNet.DefaultLearningRate(Variant));
        _x = Tensor.Rand([Batch, 1, 28, 28], rng, device);
        _y = Tensor.FromArray(Enumerable.Range(0, Batch).Select(i => (float)(i % 10)).ToArray(), Batch).To(device);
    }

    /// <summary>One step: forward, loss, backward, optimizer update, its tensors released at the end as the trainer does.</summary>
    [Benchmark]
    public void TrainStep()
    {
        using var step = new TensorScope();
        var loss = Functional.CrossEntropy(_net.Forward(_x), _y);
        _optimizer.ZeroGrad();
        loss.Backward();
        _optimizer.Step();
        Synchronize();
    }

    /// <summary>
    /// The flops of the convolutions and fully connected layers (the rest is element-wise): each does 2·MACs
    /// forward, 2·MACs for its weight gradient and 2·MACs for its input gradient, except the first layer, whose
    /// input (the images) needs no gradient.
    /// </summary>
    public Work WorkOf(string method)
    {
        var net = LeNet.Create(Variant, new Generator(0));
        var x = Tensor.Zeros(1, 1, 28, 28);
        double flops = 0;
        using (Tensor.NoGrad())
            for (int i = 0; i < net.Count; i++)
            {
                var y = net[i].Forward(x);
                // A conv or linear layer does one multiply-add per output element per weight of its output unit.
                var weight = net[i] switch { Conv2d c => c.Weight, Linear l => l.Weight, _ => null };
                if (weight is not null)
                {
                    bool first = flops == 0;
                    flops += 2.0 * Batch * y.Numel * (weight.Numel / weight.Size(0)) * (first ? 2 : 3);
                }
                x = y;
            }
        return Work.Flops(flops);
    }
}
