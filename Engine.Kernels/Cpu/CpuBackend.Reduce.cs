using System.Numerics.Tensors;

namespace ConvEngine.Kernels.Cpu;

// Reductions over the middle axis of (Outer, Axis, Inner).
public sealed partial class CpuBackend
{
    /// <inheritdoc/>
    public void ReduceSum(in ReduceParams p, DeviceBuffer x, DeviceBuffer y)
    {
        float[] xs = Data(x), ys = Data(y);
        var (outer, axis, inner) = (p.Outer, p.Axis, p.Inner);
        for (int o = 0; o < outer; o++)
        {
            Span<float> dst = ys.AsSpan(o * inner, inner);
            if (inner == 1)
            {
                dst[0] = TensorPrimitives.Sum(xs.AsSpan(o * axis, axis));
                continue;
            }
            // Summing whole rows of length Inner keeps the inner loop contiguous and vectorised.
            dst.Clear();
            for (int a = 0; a < axis; a++) TensorPrimitives.Add(dst, xs.AsSpan((o * axis + a) * inner, inner), dst);
        }
    }

    /// <inheritdoc/>
    public void ReduceMax(in ReduceParams p, DeviceBuffer x, DeviceBuffer values, DeviceBuffer indices)
    {
        float[] xs = Data(x), vs = Data(values), ix = Data(indices);
        var (outer, axis, inner) = (p.Outer, p.Axis, p.Inner);
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            int baseIndex = o * axis * inner + i;
            float best = xs[baseIndex];
            int bestAt = 0;
            for (int a = 1; a < axis && !float.IsNaN(best); a++)
            {
                float v = xs[baseIndex + a * inner];
                if (v > best || float.IsNaN(v)) (best, bestAt) = (v, a);
            }
            vs[o * inner + i] = best;
            ix[o * inner + i] = bestAt;
        }
    }
}
