using ConvEngine.Nn;

namespace ConvEngine.Samples.Commands;

/// <summary>
/// d2l 6.5, pooling. A pooling window slides over the input like a kernel but has no weights: it takes the
/// maximum or the mean of the window. Like convolution it takes padding and stride (the stride defaults to the
/// window size, so windows do not overlap), and it works on each channel separately, so the output has as
/// many channels as the input.
/// </summary>
public static class PoolingCommand
{
    /// <summary>Runs d2l's pooling examples: max and average 2×2, then padding, stride and channels.</summary>
    public static void Run(TextWriter output, Device device)
    {
        // X (3, 3) holds 0..8.
        var X = Tensor.FromArray(new float[,] { { 0, 1, 2 }, { 3, 4, 5 }, { 6, 7, 8 } }).To(device);

        // (2, 2): max(0, 1, 3, 4) = 4, max(1, 2, 4, 5) = 5, … and the window means 2, 3, 5, 6.
        output.WriteLine("pool2d(X, (2, 2)):");
        output.WriteLine(Pool2d(X, (2, 2)));
        output.WriteLine("pool2d(X, (2, 2), 'avg'):");
        output.WriteLine(Pool2d(X, (2, 2), "avg"));

        // X (1, 1, 4, 4) holds 0..15: batch and channel dimensions, as the layers expect.
        X = Tensor.Arange(16).Reshape(1, 1, 4, 4).To(device);
        output.WriteLine("X:");
        output.WriteLine(X);

        // Stride defaults to the window, so only the top-left 3×3 window fits: (1, 1, 1, 1) holding
        // max(0, 1, 2, 4, 5, 6, 8, 9, 10) = 10.
        Show(output, new MaxPool2d(3), X);
        // Padding 1 and stride 2: (4 + 2 − 3 + 2) / 2 = 2 → (1, 1, 2, 2).
        Show(output, new MaxPool2d(3, padding: 1, stride: 2), X);
        // A 2×3 window, stride (2, 3), padding (0, 1): height (4 − 2 + 2) / 2 = 2, width (4 + 2 − 3 + 3) / 3 = 2.
        Show(output, new MaxPool2d((2, 3), stride: (2, 3), padding: (0, 1)), X);

        // Two channels, X and X + 1: PyTorch's torch.cat((X, X + 1), 1), built by writing each (1, 1, 4, 4)
        // half into its channel of a (1, 2, 4, 4) zero tensor.
        var X2 = Tensor.Zeros([1, 2, 4, 4], device);
        X2[.., 0..1] = X;
        X2[.., 1..2] = X + 1f;
        output.WriteLine("X = cat((X, X + 1), 1):");
        output.WriteLine(X2);

        // Each channel is pooled on its own: (1, 2, 2, 2), the second channel one more than the first.
        Show(output, new MaxPool2d(3, padding: 1, stride: 2), X2);
    }

    /// <summary>
    /// d2l's <c>pool2d(X, pool_size, mode)</c>: a (ph, pw) window with stride 1 and no padding over a 2-D X,
    /// (H, W) → (H − ph + 1, W − pw + 1). The pooling functions want (N, C, H, W), so X goes in as
    /// (1, 1, H, W) and comes back out as 2-D.
    /// </summary>
    private static Tensor Pool2d(Tensor X, Pair poolSize, string mode = "max")
    {
        var x = X.Reshape(1, 1, X.Size(0), X.Size(1));
        var y = mode == "max"
            ? Functional.MaxPool2d(x, poolSize, stride: 1)
            : Functional.AvgPool2d(x, poolSize, stride: 1);
        return y.Reshape(y.Size(2), y.Size(3));
    }

    private static void Show(TextWriter output, MaxPool2d pool2d, Tensor X)
    {
        output.WriteLine($"{pool2d}:");
        output.WriteLine(pool2d.Forward(X));
    }
}
