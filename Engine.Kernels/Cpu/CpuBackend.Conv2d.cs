using System.Buffers;
using System.Numerics.Tensors;
using ConvEngine.Kernels.Cpu.Kernels;

namespace ConvEngine.Kernels.Cpu;

// 2-D convolution: adapters from buffers to the per-sample kernels in Kernels/Conv2dKernels.cs.
// Samples are split into a few contiguous chunks per thread; a batch smaller than the thread count runs its
// samples one after another with the threads inside each matrix product instead. Each running chunk rents
// its scratch once (a padded image and widened rows, or a column matrix for strided backward-input; see
// Conv2dKernels), so temporary memory is bounded by threads × one sample whatever the batch size.
public sealed partial class CpuBackend
{
    /// <summary>One sample-range task: samples [first, end), with its scratch and the threads its GEMMs may use.</summary>
    private delegate void SampleChunk(int chunk, int first, int end, Span<float> scratch, int gemmThreads);

    /// <inheritdoc/>
    public void Conv2dForward(Conv2dParams p, DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer output)
    {
        float[] x = Data(input), w = Data(weight), y = Data(output);
        float[]? b = DataOrNull(bias);
        if (DirectConv2d.Applies(p))
        {
            DirectForward(p, x, w.AsSpan(0, p.WeightSize), p.O, b, y);
            return;
        }
        int inSize = p.C * p.H * p.W, outSize = p.O * p.OH * p.OW;
        ForEachSampleChunk(p, Conv2dKernels.ForwardScratch(p), (_, first, end, scratch, gemmThreads) =>
        {
            for (int n = first; n < end; n++)
                Conv2dKernels.Forward(p, x.AsSpan(n * inSize, inSize), w.AsSpan(0, p.WeightSize),
                    b is null ? default : b.AsSpan(0, p.O), y.AsSpan(n * outSize, outSize), scratch, gemmThreads);
        });
    }

    /// <inheritdoc/>
    public void Conv2dBackwardInput(Conv2dParams p, DeviceBuffer gradOutput, DeviceBuffer weight, DeviceBuffer gradInput)
    {
        float[] gy = Data(gradOutput), w = Data(weight), gx = Data(gradInput);
        int inSize = p.C * p.H * p.W, outSize = p.O * p.OH * p.OW;
        if (DirectConv2d.Applies(p) && Conv2dKernels.Transposed(p) is { } transposed)
        {
            // gradInput is the forward pass of the transposed problem, with the weight turned and transposed.
            float[] flipped = new float[p.WeightSize];
            Conv2dKernels.FlipWeight(p, w, flipped);
            DirectForward(transposed, gy, flipped, p.C, null, gx);
            return;
        }
        if (Conv2dKernels.TransposedForward(p) is { } t)
        {
            // Stride 1 and enough input channels: a forward convolution of each gradOut sample with the flipped weight.
            float[] flipped = ArrayPool<float>.Shared.Rent(p.WeightSize);
            try
            {
                Conv2dKernels.FlipWeight(p, w, flipped);
                ForEachSampleChunk(p, Conv2dKernels.ForwardScratch(t), (_, first, end, scratch, gemmThreads) =>
                {
                    for (int n = first; n < end; n++)
                        Conv2dKernels.Forward(t, gy.AsSpan(n * outSize, outSize), flipped.AsSpan(0, p.WeightSize), default,
                            gx.AsSpan(n * inSize, inSize), scratch, gemmThreads);
                });
            }
            finally
            {
                ArrayPool<float>.Shared.Return(flipped);
            }
            return;
        }
        ForEachSampleChunk(p, Conv2dKernels.BackwardInputScratch(p), (_, first, end, scratch, gemmThreads) =>
        {
            for (int n = first; n < end; n++)
                Conv2dKernels.BackwardInput(p, gy.AsSpan(n * outSize, outSize), w.AsSpan(0, p.WeightSize),
                    gx.AsSpan(n * inSize, inSize), scratch, gemmThreads);
        });
    }

    /// <inheritdoc/>
    public void Conv2dBackwardWeight(Conv2dParams p, DeviceBuffer input, DeviceBuffer gradOutput, DeviceBuffer gradWeight, DeviceBuffer? gradBias)
    {
        float[] x = Data(input), gy = Data(gradOutput), gw = Data(gradWeight);
        float[]? gb = DataOrNull(gradBias);
        int inSize = p.C * p.H * p.W, outSize = p.O * p.OH * p.OW, weightSize = p.WeightSize;
        int chunks = SampleChunks(p.N);
        if (chunks == 0)
        {
            gw.AsSpan(0, weightSize).Clear();
            gb?.AsSpan(0, p.O).Clear();
            return;
        }

        // Each chunk sums its samples into its own partial gradient (chunk 0 straight into gradWeight);
        // the partials are then added in chunk order, so the result does not depend on thread timing.
        float[][] partials = new float[chunks - 1][];
        for (int i = 0; i < partials.Length; i++) partials[i] = ArrayPool<float>.Shared.Rent(weightSize);
        double[] biasSums = new double[chunks * p.O]; // (chunks, O)
        var plan = DirectConv2d.AppliesToWeightGrad(p) ? new DirectConv2d.Plan(p) : null;
        int scratchSize = plan is null ? Conv2dKernels.WeightGradScratch(p)
            : Math.Min(DirectConv2d.SweepSamples(p, plan), LargestChunk(p.N)) * plan.PaddedSize;
        try
        {
            ForEachSampleChunk(p, scratchSize, (chunk, first, end, scratch, gemmThreads) =>
            {
                Span<float> sum = chunk == 0 ? gw.AsSpan(0, weightSize) : partials[chunk - 1].AsSpan(0, weightSize);
                if (plan is not null)
                    DirectWeightGrad(p, plan, x, gy, first, end, scratch, sum);
                else
                    for (int n = first; n < end; n++)
                        Conv2dKernels.WeightGrad(p, x.AsSpan(n * inSize, inSize), gy.AsSpan(n * outSize, outSize),
                            sum, n == first ? 0f : 1f, scratch, gemmThreads);
                if (gb is not null)
                    for (int n = first; n < end; n++)
                        Conv2dKernels.AccumulateBiasGrad(p, gy.AsSpan(n * outSize, outSize), biasSums.AsSpan(chunk * p.O, p.O));
            });
            Span<float> total = gw.AsSpan(0, weightSize);
            foreach (float[] partial in partials) TensorPrimitives.Add(total, partial.AsSpan(0, weightSize), total);
        }
        finally
        {
            foreach (float[] partial in partials) ArrayPool<float>.Shared.Return(partial);
        }
        if (gb is null) return;
        for (int o = 0; o < p.O; o++)
        {
            double s = 0;
            for (int chunk = 0; chunk < chunks; chunk++) s += biasSums[chunk * p.O + o];
            gb[o] = (float)s;
        }
    }

    /// <summary>
    /// output (N, outChannels, OH, OW) = weight ⋆ input + bias through <see cref="DirectConv2d"/>, for stride 1 on
    /// AVX-512; <paramref name="p"/> describes input (N, C, H, W) and a weight of <paramref name="outChannels"/> rows.
    /// </summary>
    private static unsafe void DirectForward(Conv2dParams p, float[] input, ReadOnlySpan<float> weight, int outChannels, float[]? bias, float[] output)
    {
        var plan = new DirectConv2d.Plan(p);
        float[] weightT = DirectConv2d.TransposeWeight(weight, outChannels, p.C * p.KH * p.KW);
        int inSize = p.C * p.H * p.W, outSize = outChannels * p.OH * p.OW, sweep = DirectConv2d.ForwardSweepSamples(plan);
        ForEachSampleChunk(p, Math.Min(sweep, LargestChunk(p.N)) * plan.PaddedSize, (_, first, end, scratch, _) =>
        {
            fixed (float* padded = scratch, w = weightT, b = bias, y = output)
                for (int n0 = first; n0 < end; n0 += sweep)
                {
                    int count = Math.Min(sweep, end - n0);
                    for (int n = 0; n < count; n++)
                        Conv2dKernels.Pad(p, input.AsSpan((n0 + n) * inSize, inSize), scratch.Slice(n * plan.PaddedSize, plan.PaddedSize));
                    DirectConv2d.Forward(plan, outChannels, count, padded, w, b, y + (nint)n0 * outSize);
                }
        });
    }

    /// <summary>
    /// sum (O, C·KH·KW) = the weight gradient of samples [first, end) through <see cref="DirectConv2d"/>, in sweeps
    /// of <see cref="DirectConv2d.SweepSamples"/> samples whose padded images fill <paramref name="scratch"/>.
    /// </summary>
    private static unsafe void DirectWeightGrad(Conv2dParams p, DirectConv2d.Plan plan, float[] input, float[] gradOutput,
        int first, int end, Span<float> scratch, Span<float> sum)
    {
        int inSize = p.C * p.H * p.W, outSize = p.O * p.OH * p.OW, sweep = DirectConv2d.SweepSamples(p, plan);
        sum.Clear();
        fixed (float* padded = scratch, gy = gradOutput, gw = sum)
            for (int n0 = first; n0 < end; n0 += sweep)
            {
                int count = Math.Min(sweep, end - n0);
                for (int n = 0; n < count; n++)
                    Conv2dKernels.Pad(p, input.AsSpan((n0 + n) * inSize, inSize), scratch.Slice(n * plan.PaddedSize, plan.PaddedSize));
                DirectConv2d.AccumulateWeightGrad(plan, p.O, count, padded, gy + (nint)n0 * outSize, gw);
            }
    }

    /// <summary>
    /// How many sample chunks <see cref="ForEachSampleChunk"/> makes for a batch of <paramref name="n"/>: a few per
    /// thread, so a thread that falls behind (another process on its core) leaves chunks to the others, but
    /// fixed by the batch size alone, so the weight-gradient partial sums always add up the same way.
    /// </summary>
    private static int SampleChunks(int n) => n >= Threads ? Math.Min(n, 4 * Threads) : Math.Min(n, 1);

    /// <summary>Samples in the largest chunk <see cref="ForEachSampleChunk"/> makes of a batch of <paramref name="n"/>.</summary>
    private static int LargestChunk(int n) => SampleChunks(n) is var chunks and > 0 ? (n + chunks - 1) / chunks : 0;

    /// <summary>
    /// Runs <paramref name="body"/> once per chunk of samples, each with <paramref name="scratchSize"/> floats of
    /// scratch: in parallel with single-threaded GEMMs when there are at least as many samples as threads,
    /// else as one chunk whose GEMMs use every thread.
    /// </summary>
    private static void ForEachSampleChunk(Conv2dParams p, int scratchSize, SampleChunk body)
    {
        int chunks = SampleChunks(p.N);
        if (chunks == 0) return;
        void Run(int chunk, int gemmThreads)
        {
            float[] scratch = ArrayPool<float>.Shared.Rent(scratchSize);
            try
            {
                body(chunk, chunk * p.N / chunks, (chunk + 1) * p.N / chunks, scratch.AsSpan(0, scratchSize), gemmThreads);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }
        if (chunks == 1)
            Run(0, Threads);
        else
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Threads }, chunk => Run(chunk, 1));
    }
}
