namespace ConvEngine.Samples.Commands;

/// <summary>
/// d2l 6.2.1, the cross-correlation operation. d2l writes <c>corr2d(X, K)</c> as two Python loops: slide the
/// (h, w) kernel over the input and, at each position, sum the element-wise product of the window and the
/// kernel. The output shrinks to (H − h + 1, W − w + 1) because the kernel must fit entirely inside the input.
/// ConvEngine's <see cref="Functional.Corr2d"/> is that same operation, run as a single-channel convolution.
/// </summary>
public static class Corr2dCommand
{
    /// <summary>Prints corr2d of d2l's 3×3 input with its 2×2 kernel: <c>[[19., 25.], [37., 43.]]</c>.</summary>
    public static void Run(TextWriter output, Device device)
    {
        // X (3, 3) holds 0..8 row by row; K (2, 2) holds 0..3.
        var X = Tensor.FromArray(new float[,] { { 0, 1, 2 }, { 3, 4, 5 }, { 6, 7, 8 } }).To(device);
        var K = Tensor.FromArray(new float[,] { { 0, 1 }, { 2, 3 } }).To(device);

        // Y (3 − 2 + 1, 3 − 2 + 1) = (2, 2). The top-left entry is 0·0 + 1·1 + 3·2 + 4·3 = 19.
        var Y = Functional.Corr2d(X, K);
        output.WriteLine("corr2d(X, K):");
        output.WriteLine(Y);
    }
}
