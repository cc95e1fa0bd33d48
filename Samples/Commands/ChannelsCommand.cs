using System.Globalization;

namespace ConvEngine.Samples.Commands;

/// <summary>
/// d2l 6.4, multiple input and multiple output channels. With c_i input channels the kernel has one (kh, kw)
/// slice per channel: cross-correlate each channel with its slice and sum the results. With c_o output
/// channels there is one such (c_i, kh, kw) kernel per output channel, so the full kernel is
/// (c_o, c_i, kh, kw). A 1×1 kernel only mixes channels at each pixel: it is a matrix product of the
/// (c_o, c_i) kernel with the (c_i, h·w) pixels.
/// </summary>
public static class ChannelsCommand
{
    /// <summary>Runs d2l's three examples; seeds <see cref="Generator.Default"/> with 0 for the random 1×1 check.</summary>
    public static void Run(TextWriter output, Device device)
    {
        // X (2, 3, 3): two input channels; K (2, 2, 2): one 2×2 kernel slice per input channel.
        var X = Tensor.FromArray(new float[,,]
        {
            { { 0, 1, 2 }, { 3, 4, 5 }, { 6, 7, 8 } },
            { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } },
        }).To(device);
        var K = Tensor.FromArray(new float[,,]
        {
            { { 0, 1 }, { 2, 3 } },
            { { 1, 2 }, { 3, 4 } },
        }).To(device);

        // (2, 2): channel 0 gives [[19, 25], [37, 43]], channel 1 gives [[37, 47], [67, 77]].
        output.WriteLine("corr2d_multi_in(X, K):");
        output.WriteLine(Corr2dMultiIn(X, K));

        // Three output channels from the kernels K, K + 1, K + 2: (3, 2, 2, 2).
        var K3 = Stack(K, K + 1f, K + 2f);
        output.WriteLine($"K = stack((K, K + 1, K + 2), 0): {K3.Shape}");

        // (3, 2, 2): the first channel repeats the result above.
        output.WriteLine("corr2d_multi_in_out(X, K):");
        output.WriteLine(Corr2dMultiInOut(X, K3));

        // 1×1 convolution: X (3, 3, 3) and K (2, 3, 1, 1) drawn from N(0, 1) as d2l draws them.
        Generator.Default.ManualSeed(0);
        var X1 = Tensor.Randn([3, 3, 3], null, device);
        var K1 = Tensor.Randn([2, 3, 1, 1], null, device);
        var Y1 = Corr2dMultiInOut1x1(X1, K1);      // (2, 3, 3) via one matmul
        var Y2 = Corr2dMultiInOut(X1, K1);         // (2, 3, 3) via d2l's per-channel loops
        var Y3 = Functional.Conv2d(X1, K1);        // (2, 3, 3) via the convolution kernel, unbatched input
        output.WriteLine($"1x1 convolution: X {X1.Shape}, K {K1.Shape} -> Y {Y1.Shape}");
        ReportDifference(output, "corr2d_multi_in_out", Y1, Y2);
        ReportDifference(output, "Functional.Conv2d", Y1, Y3);
    }

    /// <summary>
    /// d2l's <c>corr2d_multi_in</c>: sum over input channels of corr2d(X[c], K[c]).
    /// X (c_i, H, W), K (c_i, kh, kw) → (H − kh + 1, W − kw + 1).
    /// </summary>
    private static Tensor Corr2dMultiIn(Tensor X, Tensor K) =>
        Enumerable.Range(0, X.Size(0))
            .Select(c => Functional.Corr2d(X[c], K[c]))
            .Aggregate((sum, channel) => sum + channel);

    /// <summary>
    /// d2l's <c>corr2d_multi_in_out</c>: one multi-input correlation per output channel, stacked.
    /// X (c_i, H, W), K (c_o, c_i, kh, kw) → (c_o, H − kh + 1, W − kw + 1).
    /// </summary>
    private static Tensor Corr2dMultiInOut(Tensor X, Tensor K) =>
        Stack([.. Enumerable.Range(0, K.Size(0)).Select(o => Corr2dMultiIn(X, K[o]))]);

    /// <summary>
    /// d2l's <c>corr2d_multi_in_out_1x1</c>: each pixel's c_i values times the (c_o, c_i) kernel matrix.
    /// X (c_i, h, w), K (c_o, c_i, 1, 1) → (c_o, h, w).
    /// </summary>
    private static Tensor Corr2dMultiInOut1x1(Tensor X, Tensor K)
    {
        int ci = X.Size(0), h = X.Size(1), w = X.Size(2), co = K.Size(0);
        var pixels = X.Reshape(ci, h * w);            // (c_i, h·w): one column per pixel
        var weights = K.Reshape(co, ci);              // (c_o, c_i)
        return weights.Matmul(pixels).Reshape(co, h, w);
    }

    /// <summary>
    /// PyTorch's <c>torch.stack(parts, 0)</c> for equally shaped tensors: (n, *shape), each part copied into
    /// its slot of a zero tensor by index assignment.
    /// </summary>
    private static Tensor Stack(params Tensor[] parts)
    {
        var stacked = Tensor.Zeros([parts.Length, .. parts[0].Shape], parts[0].Device);
        for (int i = 0; i < parts.Length; i++) stacked[i] = parts[i];
        return stacked;
    }

    // d2l asserts the two agree to 1e-6; print the largest gap and the verdict.
    private static void ReportDifference(TextWriter output, string name, Tensor a, Tensor b)
    {
        float maxDiff = (a - b).Abs().Max().Item();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"max |matmul - {name}| = {maxDiff:E2} ({(maxDiff < 1e-6f ? "< 1e-6, equal" : ">= 1e-6, DIFFERENT")})"));
    }
}
