using System.Numerics.Tensors;

namespace ConvEngine.Kernels.Cpu;

// Log-softmax along the middle axis of (Outer, Axis, Inner), and the negative log-likelihood loss.
public sealed partial class CpuBackend
{
    /// <inheritdoc/>
    public void LogSoftmax(in ReduceParams p, DeviceBuffer x, DeviceBuffer y)
    {
        float[] xs = Data(x), ys = Data(y);
        var (outer, axis, inner) = (p.Outer, p.Axis, p.Inner);
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            int b = o * axis * inner + i;
            float max = float.NegativeInfinity;
            for (int a = 0; a < axis; a++) max = MathF.Max(max, xs[b + a * inner]);
            // Shift by the max so exp never overflows; accumulate in double for a stable log.
            double sum = 0;
            for (int a = 0; a < axis; a++) sum += Math.Exp(xs[b + a * inner] - max);
            float logSum = max + (float)Math.Log(sum);
            for (int a = 0; a < axis; a++) ys[b + a * inner] = xs[b + a * inner] - logSum;
        }
    }

    /// <inheritdoc/>
    public void LogSoftmaxBackward(in ReduceParams p, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx)
    {
        float[] ys = Data(y), g = Data(gy), o = Data(gx);
        var (outer, axis, inner) = (p.Outer, p.Axis, p.Inner);
        for (int r = 0; r < outer; r++)
        for (int i = 0; i < inner; i++)
        {
            int b = r * axis * inner + i;
            float sum = 0;
            for (int a = 0; a < axis; a++) sum += g[b + a * inner];
            for (int a = 0; a < axis; a++) o[b + a * inner] = g[b + a * inner] - MathF.Exp(ys[b + a * inner]) * sum;
        }
    }

    /// <inheritdoc/>
    public void NllLoss(int rows, int cols, DeviceBuffer logProbs, DeviceBuffer targets, DeviceBuffer loss, bool mean)
    {
        float[] lp = Data(logProbs), t = Data(targets);
        double sum = 0;
        for (int r = 0; r < rows; r++) sum -= lp[r * cols + (int)t[r]];
        Data(loss)[0] = (float)(mean ? sum / rows : sum);
    }

    /// <inheritdoc/>
    public void NllLossBackward(int rows, int cols, DeviceBuffer targets, DeviceBuffer gradLoss, DeviceBuffer gx, bool mean)
    {
        float[] t = Data(targets), o = Data(gx);
        float g = -Data(gradLoss)[0] / (mean ? rows : 1);
        Array.Clear(o, 0, rows * cols);
        for (int r = 0; r < rows; r++) o[r * cols + (int)t[r]] = g;
    }
}
