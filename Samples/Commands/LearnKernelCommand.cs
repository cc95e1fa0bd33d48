using System.Globalization;
using ConvEngine.Nn;

namespace ConvEngine.Samples.Commands;

/// <summary>
/// d2l 6.2.4, learning a kernel. The edge-detection pair (X, Y = corr2d(X, [[1, −1]])) is the training data;
/// a randomly initialised 1×2 convolution learns to reproduce Y by gradient descent on the squared error,
/// and its kernel approaches [1, −1]. d2l uses the built-in <c>nn.Conv2d(1, 1, kernel_size=(1, 2),
/// bias=False)</c> on 4-D tensors; its hand-written <c>Conv2D</c> module (corr2d plus a scalar bias, on 2-D
/// tensors) is the <c>--bias</c> variant here.
/// </summary>
public static class LearnKernelCommand
{
    /// <summary>The nn.Conv2d version's learning rate, d2l's 3e-2.</summary>
    public const float Conv2dLearningRate = 3e-2f;

    /// <summary>The nn.Conv2d version's gradient steps, d2l's 10.</summary>
    public const int Conv2dIterations = 10;

    /// <summary>
    /// The hand-written version's learning rate, 1e-2 as in d2l's variant that also trains the bias. The bias
    /// sees all 42 output pixels, which raises the loss's curvature: 3e-2 diverges there.
    /// </summary>
    public const float HandWrittenLearningRate = 1e-2f;

    /// <summary>The hand-written version's gradient steps, 20 as in d2l's variant that also trains the bias.</summary>
    public const int HandWrittenIterations = 20;

    /// <summary>
    /// Trains the kernel and prints the loss about five times (every 2 of nn.Conv2d's 10 iterations, as d2l does),
    /// then the learned parameters. Seeds <see cref="Generator.Default"/> with <paramref name="seed"/> first,
    /// as <c>torch.manual_seed</c> would, so the initial kernel is PyTorch's for that seed. A null learning
    /// rate or iteration count takes the chosen version's default above. <paramref name="detectAnomaly"/> turns on
    /// <see cref="Autograd.AnomalyMode"/>; a loss that stops being finite ends the run with a
    /// <see cref="ConvEngineException"/> naming the iteration.
    /// </summary>
    public static void Run(TextWriter output, Device device, float? learningRate = null, int? iterations = null,
        ulong seed = 0, bool bias = false, bool detectAnomaly = false)
    {
        float lr = learningRate ?? (bias ? HandWrittenLearningRate : Conv2dLearningRate);
        int steps = iterations ?? (bias ? HandWrittenIterations : Conv2dIterations);
        if (steps <= 0)
            throw new ConvEngineException($"--iterations must be positive, but got {steps}");
        if (!(lr > 0) || !float.IsFinite(lr))
            throw new ConvEngineException($"--lr must be positive and finite, but got {lr.ToString(CultureInfo.InvariantCulture)}");
        Generator.Default.ManualSeed(seed);
        using var anomaly = detectAnomaly ? Autograd.AnomalyMode.Detect() : null;

        // The training pair from the edge-detection section: X (6, 8) and Y (6, 7).
        var X = Tensor.Ones([6, 8], device);
        X[.., 2..6] = 0f;
        var Y = Functional.Corr2d(X, Tensor.FromArray(new float[,] { { 1, -1 } }).To(device));

        // Five progress lines whatever the iteration count; 10 iterations print every 2, like d2l.
        int reportEvery = Math.Max(1, steps / 5);
        if (bias) TrainHandWritten(output, X, Y, lr, steps, reportEvery);
        else TrainConv2d(output, X, Y, lr, steps, reportEvery);
    }

    // d2l's main version: nn.Conv2d without bias, on (batch, channel, height, width) tensors.
    private static void TrainConv2d(TextWriter output, Tensor X, Tensor Y, float lr, int iterations, int reportEvery)
    {
        // One input channel, one output channel, a (1, 2) kernel: weight (1, 1, 1, 2), Kaiming-uniform
        // initialised from the seeded generator exactly as PyTorch initialises it.
        var conv2d = new Conv2d(1, 1, (1, 2), bias: false);
        conv2d.To(X.Device);

        // The layer wants (N, C, H, W): X becomes (1, 1, 6, 8) and the target Y (1, 1, 6, 7).
        X = X.Reshape(1, 1, 6, 8);
        Y = Y.Reshape(1, 1, 6, 7);

        for (int i = 0; i < iterations; i++)
        {
            var yHat = conv2d.Forward(X);        // (1, 1, 6, 7)
            var l = (yHat - Y).Pow(2f);          // squared error per output pixel
            conv2d.ZeroGrad();                   // gradients accumulate, so clear last step's
            var loss = l.Sum();                  // a scalar, so Backward needs no seed gradient
            StopIfDiverged(loss, i + 1, lr);
            loss.Backward();

            // A plain gradient step on the raw data (PyTorch's weight.data[:] -= lr * weight.grad): the
            // update itself must not be recorded by autograd.
            conv2d.Weight.Data[..] -= lr * conv2d.Weight.Grad!;
            if ((i + 1) % reportEvery == 0) ReportLoss(output, i + 1, loss);
        }

        // weight (1, 1, 1, 2), close to [1, −1].
        output.WriteLine(conv2d.Weight.Data);
    }

    // d2l's hand-written layer: corr2d of a 2-D input with a learnable (1, 2) kernel, plus a scalar bias.
    private static void TrainHandWritten(TextWriter output, Tensor X, Tensor Y, float lr, int iterations, int reportEvery)
    {
        var conv2d = new Conv2D((1, 2), X.Device);
        for (int i = 0; i < iterations; i++)
        {
            var yHat = conv2d.Forward(X);        // (6, 7), no batch or channel dimensions needed
            var l = (yHat - Y).Pow(2f);
            conv2d.ZeroGrad();
            var loss = l.Sum();
            StopIfDiverged(loss, i + 1, lr);
            loss.Backward();

            // Both parameters take the same plain step: the kernel (1, 2) and the bias (1).
            conv2d.Weight.Data[..] -= lr * conv2d.Weight.Grad!;
            conv2d.Bias.Data[..] -= lr * conv2d.Bias.Grad!;
            if ((i + 1) % reportEvery == 0) ReportLoss(output, i + 1, loss);
        }

        // The kernel approaches [1, −1] and the bias 0: Y has no offset to learn.
        output.WriteLine($"weight: {conv2d.Weight.Data}");
        output.WriteLine($"bias: {conv2d.Bias.Data}");
    }

    // A loss that overflowed to Inf or NaN never comes back: stop, rather than print nan for the remaining iterations.
    private static void StopIfDiverged(Tensor loss, int iteration, float lr)
    {
        float value = loss.Item();
        if (!float.IsFinite(value))
            throw new ConvEngineException(string.Create(CultureInfo.InvariantCulture,
                $"training diverged at iteration {iteration}: the loss became {(float.IsNaN(value) ? "nan" : "inf")} with lr {lr:R}; try a lower --lr"));
    }

    // The loss this step measured, before its own update changed the weight (d2l prints l.sum() likewise).
    private static void ReportLoss(TextWriter output, int epoch, Tensor loss) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}, loss {loss.Item():F3}"));

    /// <summary>
    /// d2l's <c>Conv2D</c>: weight drawn from <c>torch.rand(kernel_size)</c>, bias <c>torch.zeros(1)</c>,
    /// forward <c>corr2d(x, weight) + bias</c>. Input (H, W) → output (H − kh + 1, W − kw + 1).
    /// </summary>
    private sealed class Conv2D : Module
    {
        public Conv2D(Pair kernelSize, Device device)
        {
            RegisterParameter("weight", Tensor.Rand(kernelSize.H, kernelSize.W).To(device));
            RegisterParameter("bias", Tensor.Zeros([1], device));
        }

        public Tensor Weight => Parameter("weight")!;

        public Tensor Bias => Parameter("bias")!;

        // The (1) bias broadcasts over the whole (H', W') output.
        public override Tensor Forward(Tensor input) => Functional.Corr2d(input, Weight) + Bias;
    }
}
