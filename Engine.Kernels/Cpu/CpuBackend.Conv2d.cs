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
        try
        {
            ForEachSampleChunk(p, Conv2dKernels.WeightGradScratch(p), (chunk, first, end, scratch, gemmThreads) =>
            {
                Span<float> sum = chunk == 0 ? gw.AsSpan(0, weightSize) : partials[chunk - 1].AsSpan(0, weightSize);
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
    /// How many sample chunks <see cref="ForEachSampleChunk"/> makes for a batch of <paramref name="n"/>: a few per
    /// thread, so a thread that falls behind (another process on its core) leaves chunks to the others, but
    /// fixed by the batch size alone, so the weight-gradient partial sums always add up the same way.
    /// </summary>
    private static int SampleChunks(int n) => n >= Threads ? Math.Min(n, 4 * Threads) : Math.Min(n, 1);

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
