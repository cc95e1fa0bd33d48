using ConvEngine.Kernels;
using ConvEngine.Kernels.Cpu.Kernels;

namespace ConvEngine.Tests;

/// <summary>
/// The CPU's 2 × 2, stride-2, unpadded pooling paths (scalar, AVX2 and AVX-512: each one this CPU runs) against a
/// plain transcription of PyTorch's rules, bit for bit: rows of 1 to 20 windows (whole vector steps, masked rests,
/// several steps), odd heights and widths (cells outside every window), two planes, and values the golden files
/// cannot carry: ties, NaN, ±∞, ±0. The golden cases check the widest path against PyTorch itself.
/// </summary>
[TestFixture]
public sealed class Pool2dPairsTests
{
    /// <summary>The names of the paths this CPU runs.</summary>
    public static IEnumerable<string> Paths() => PairsPaths.Supported.Select(p => p.ToString());

    [TestCaseSource(nameof(Paths))]
    public void ForwardAndBackward_FollowPyTorchsRules(string pathName)
    {
        var path = Enum.Parse<PairsPath>(pathName);
        var random = new Random(1);
        foreach (var mode in new[] { PoolMode.Max, PoolMode.Avg })
            foreach (int h in new[] { 2, 3, 6 })
                for (int w = 2; w <= 41; w++)
                {
                    var p = Pool2dParams.Create(mode, [1, 2, h, w], (2, 2), (2, 2), (0, 0));
                    float[] x = Enumerable.Range(0, p.InputSize).Select(_ => Value(random)).ToArray();
                    float[] gy = Enumerable.Range(0, p.OutputSize).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
                    var (wantY, wantGx) = Reference(p, x, gy);
                    float[] y = new float[p.OutputSize], gx = Enumerable.Repeat(7f, p.InputSize).ToArray();
                    Pool2dKernels.Forward(p, x, y, path);
                    Pool2dKernels.Backward(p, x, gy, gx, path);
                    AssertSameBits($"{mode} {h}x{w} forward", y, wantY);
                    AssertSameBits($"{mode} {h}x{w} backward", gx, wantGx);
                }
    }

    /// <summary>Mostly small integers (ties), sometimes NaN, ±∞, ±0 or a fraction.</summary>
    private static float Value(Random random) => random.Next(20) switch
    {
        0 => float.NaN,
        1 => float.NegativeInfinity,
        2 => float.PositiveInfinity,
        3 => -0f,
        4 => 0f,
        5 => (float)random.NextDouble(),
        _ => random.Next(-2, 3),
    };

    /// <summary>
    /// PyTorch's CPU rules, one window at a time: max scans the window row-major from −∞ and a cell wins when it is
    /// greater than the best so far or NaN, the gradient going to the last winner (the first cell when none wins);
    /// avg is (0 + a + b + c + d) / 4 and gives each cell 0 + g / 4; cells outside every window get 0.
    /// </summary>
    private static (float[] Y, float[] Gx) Reference(Pool2dParams p, float[] x, float[] gy)
    {
        float[] y = new float[p.OutputSize], gx = new float[p.InputSize];
        int o = 0;
        for (int plane = 0; plane < p.N * p.C; plane++)
            for (int oh = 0; oh < p.OH; oh++)
                for (int ow = 0; ow < p.OW; ow++, o++)
                {
                    int a = plane * p.H * p.W + 2 * oh * p.W + 2 * ow;
                    int[] cells = [a, a + 1, a + p.W, a + p.W + 1];
                    if (p.Mode == PoolMode.Avg)
                    {
                        y[o] = (0f + x[cells[0]] + x[cells[1]] + x[cells[2]] + x[cells[3]]) / 4f;
                        foreach (int cell in cells) gx[cell] += gy[o] / 4f;
                        continue;
                    }
                    int at = cells[0];
                    float best = float.NegativeInfinity;
                    foreach (int cell in cells)
                        if (x[cell] > best || float.IsNaN(x[cell])) (best, at) = (x[cell], cell);
                    y[o] = x[at];
                    gx[at] += gy[o];
                }
        return (y, gx);
    }

    private static void AssertSameBits(string what, float[] got, float[] want)
    {
        for (int i = 0; i < want.Length; i++)
            if (!(float.IsNaN(got[i]) && float.IsNaN(want[i])) && BitConverter.SingleToInt32Bits(got[i]) != BitConverter.SingleToInt32Bits(want[i]))
                Assert.Fail($"{what}: element {i} is {got[i]:R}, want {want[i]:R}");
    }
}
