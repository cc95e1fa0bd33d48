using ConvEngine.Nn;

namespace ConvEngine.Samples.Commands;

/// <summary>
/// d2l 6.3, padding and stride. With kernel (kh, kw), padding (ph, pw) on each side and stride (sh, sw), an
/// (nh, nw) input gives ⌊(nh − kh + 2·ph + sh) / sh⌋ × ⌊(nw − kw + 2·pw + sw) / sw⌋ outputs. Padding by
/// (k − 1) / 2 on each side keeps the size for odd kernels; a stride of 2 halves it. Only the shapes matter
/// here, so the weights are whatever the layers are initialised with.
/// </summary>
public static class PaddingStrideCommand
{
    /// <summary>Prints each of d2l's four layers with the shape it turns an 8×8 input into.</summary>
    public static void Run(TextWriter output, Device device)
    {
        // X (8, 8), uniform in [0, 1).
        var X = Tensor.Rand([8, 8], null, device);
        output.WriteLine($"X: {X.Shape}");

        // k 3, p 1: (8 − 3 + 2 + 1) / 1 = 8 → [8, 8].
        Show(output, new Conv2d(1, 1, 3, padding: 1), X);
        // k (5, 3), p (2, 1): height 8 − 5 + 4 + 1 = 8, width 8 − 3 + 2 + 1 = 8 → [8, 8].
        Show(output, new Conv2d(1, 1, (5, 3), padding: (2, 1)), X);
        // k 3, p 1, s 2: (8 − 3 + 2 + 2) / 2 = 4 (floored) → [4, 4].
        Show(output, new Conv2d(1, 1, 3, padding: 1, stride: 2), X);
        // k (3, 5), p (0, 1), s (3, 4): height (8 − 3 + 0 + 3) / 3 = 2, width (8 − 5 + 2 + 4) / 4 = 2 → [2, 2].
        Show(output, new Conv2d(1, 1, (3, 5), padding: (0, 1), stride: (3, 4)), X);
    }

    private static void Show(TextWriter output, Conv2d conv2d, Tensor X)
    {
        conv2d.To(X.Device);
        output.WriteLine($"{conv2d} -> {CompConv2d(conv2d, X).Shape}");
    }

    /// <summary>
    /// d2l's <c>comp_conv2d</c>: the layer wants (batch, channel, height, width), so X (H, W) goes in as
    /// (1, 1, H, W) and the two leading dimensions of the (1, 1, H', W') result are dropped again.
    /// </summary>
    private static Tensor CompConv2d(Conv2d conv2d, Tensor X)
    {
        var Y = conv2d.Forward(X.Reshape([1, 1, .. X.Shape]));
        return Y.Reshape([.. Y.Shape.Skip(2)]);
    }
}
