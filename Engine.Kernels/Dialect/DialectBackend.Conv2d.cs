using ConvEngine.Kernels.KernelSources;

namespace ConvEngine.Kernels.Dialect;

// 2-D convolution (conv2d.k): im2col into a device column matrix (and the output gradient rearranged likewise),
// then tiled products that write the result in its final layout, a chunk of samples at a time so that the column
// matrix stays within ColumnBudget. Products (rows × columns, summing over):
//   forward          O × samples·OH·OW        over C·KH·KW
//   backward-input   C·KH·KW × samples·OH·OW  over O, then col2im adds each pixel's taps
//   backward-weight  O × C·KH·KW              over samples·OH·OW, split into slices when the weight is small
public abstract partial class DialectBackend
{
    private const string Conv2d = "conv2d";

    // Largest column matrix, in floats (64 MB): LeNet's batches of 256 fit in one chunk.
    private const int ColumnBudget = 1 << 24;

    /// <summary>Work-groups worth aiming for: a few per compute unit, so every unit has work and some to spare.</summary>
    private int TargetGroups => Math.Max(8, 4 * ParallelUnits);

    /// <inheritdoc/>
    public void Conv2dForward(Conv2dParams p, DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer output)
    {
        DeviceBuffer x = Own(input), w = Own(weight), y = Own(output);
        DeviceBuffer? b = OwnOrNull(bias);
        if (p.OutputSize == 0) return;
        var shape = KernelArg.Value(new ConvShapeArg(p));
        int taps = p.C * p.KH * p.KW, positions = p.OH * p.OW, chunk = ChunkSamples(p);
        using var col = NewBuffer(taps * chunk * positions);
        for (int n0 = 0; n0 < p.N; n0 += chunk)
        {
            int samples = Math.Min(chunk, p.N - n0), width = samples * positions;
            var plan = TilePlan.For(p.O, width, LocalTiles);
            ConvLinear(plan, "im2col", taps * samples * p.OH, KernelArg.Buffer(x), KernelArg.Buffer(col), shape, n0, samples);
            Launch(Conv2d, plan.Defines, "conv2d_forward", TiledRange(plan, p.O, width, 1), KernelArg.Buffer(col), KernelArg.Buffer(w),
                KernelArg.Buffer(b), b is null ? 0 : 1, KernelArg.Buffer(y), shape, n0, width);
        }
    }

    /// <inheritdoc/>
    public void Conv2dBackwardInput(Conv2dParams p, DeviceBuffer gradOutput, DeviceBuffer weight, DeviceBuffer gradInput)
    {
        DeviceBuffer gy = Own(gradOutput), w = Own(weight), gx = Own(gradInput);
        if (p.InputSize == 0) return;
        var shape = KernelArg.Value(new ConvShapeArg(p));
        int taps = p.C * p.KH * p.KW, positions = p.OH * p.OW, chunk = ChunkSamples(p);
        using var dcol = NewBuffer(taps * chunk * positions);
        using var gcol = NewBuffer(p.O * chunk * positions);
        for (int n0 = 0; n0 < p.N; n0 += chunk)
        {
            int samples = Math.Min(chunk, p.N - n0), width = samples * positions;
            var plan = TilePlan.For(taps, width, LocalTiles);
            ConvLinear(plan, "grad_columns", p.O * samples, KernelArg.Buffer(gy), KernelArg.Buffer(gcol), shape, n0, samples);
            Launch(Conv2d, plan.Defines, "conv2d_column_grad", TiledRange(plan, taps, width, 1),
                KernelArg.Buffer(gcol), KernelArg.Buffer(w), KernelArg.Buffer(dcol), shape, width);
            ConvLinear(plan, "col2im", samples * p.C * p.H, KernelArg.Buffer(dcol), KernelArg.Buffer(gx), shape, n0, samples);
        }
    }

    /// <inheritdoc/>
    public void Conv2dBackwardWeight(Conv2dParams p, DeviceBuffer input, DeviceBuffer gradOutput, DeviceBuffer gradWeight, DeviceBuffer? gradBias)
    {
        DeviceBuffer x = Own(input), gy = Own(gradOutput), gw = Own(gradWeight);
        DeviceBuffer? gb = OwnOrNull(gradBias);
        if (p.N == 0)
        {
            Fill(gw, 0, p.WeightSize, 0f);
            if (gb is not null) Fill(gb, 0, p.O, 0f);
            return;
        }
        var shape = KernelArg.Value(new ConvShapeArg(p));
        int taps = p.C * p.KH * p.KW, positions = p.OH * p.OW, chunk = ChunkSamples(p);
        var plan = TilePlan.For(p.O, taps, LocalTiles);
        if (taps > 0)
        {
            // Slices of sliceLength positions; every chunk of samples contributes its own, summed at the end in order.
            int sliceLength = TilePlan.SplitK(chunk * positions, plan.GroupsAcross(taps) * plan.GroupsDown(p.O), TargetGroups).Chunk;
            int SlicesOf(int n0) => (Math.Min(chunk, p.N - n0) * positions + sliceLength - 1) / sliceLength;
            int total = 0;
            for (int n0 = 0; n0 < p.N; n0 += chunk) total += SlicesOf(n0);
            using var col = NewBuffer(taps * chunk * positions);
            using var gcol = NewBuffer(p.O * chunk * positions);
            using var partial = total == 1 ? null : NewBuffer(total * p.WeightSize);
            int first = 0;
            for (int n0 = 0; n0 < p.N; n0 += chunk)
            {
                int samples = Math.Min(chunk, p.N - n0), width = samples * positions;
                ConvLinear(plan, "im2col", taps * samples * p.OH, KernelArg.Buffer(x), KernelArg.Buffer(col), shape, n0, samples);
                ConvLinear(plan, "grad_columns", p.O * samples, KernelArg.Buffer(gy), KernelArg.Buffer(gcol), shape, n0, samples);
                Launch(Conv2d, plan.Defines, "conv2d_backward_weight", TiledRange(plan, p.O, taps, SlicesOf(n0)),
                    KernelArg.Buffer(col), KernelArg.Buffer(gcol), KernelArg.Buffer(partial ?? gw), shape, width, sliceLength, first);
                first += SlicesOf(n0);
            }
            if (partial is not null)
                ConvLinear(plan, "sum_slices", p.WeightSize, KernelArg.Buffer(partial), KernelArg.Buffer(gw), total, p.WeightSize);
        }
        if (gb is not null)
            Launch(Conv2d, plan.Defines, "conv2d_bias_grad", RowGroups(p.O, p.N * positions), KernelArg.Buffer(gy), KernelArg.Buffer(gb), shape);
    }

    /// <summary>Samples per chunk: as many as keep the column matrix within <see cref="ColumnBudget"/>, at least one.</summary>
    private static int ChunkSamples(Conv2dParams p) =>
        Math.Clamp(ColumnBudget / Math.Max(1, p.C * p.KH * p.KW * p.OH * p.OW), 1, Math.Max(p.N, 1));

    /// <summary>A one-work-item-per-element kernel of the conv2d program built for <paramref name="plan"/>.</summary>
    private void ConvLinear(TilePlan plan, string kernel, int n, params ReadOnlySpan<KernelArg> args)
    {
        if (n > 0) Launch(Conv2d, plan.Defines, kernel, NdRange.Linear(n, LinearGroup), args);
    }
}
