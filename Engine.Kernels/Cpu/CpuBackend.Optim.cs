using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ConvEngine.Kernels.Cpu;

// Optimizer updates, applied in place, element by element, in PyTorch's order of operations. The vector
// loops round exactly as the scalar tails do (FMA where ATen fuses, separate multiply and add where it does not).
public sealed partial class CpuBackend
{
    /// <inheritdoc/>
    public void SgdStep(in SgdParams p, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer? momentum, int n)
    {
        float[] w = Data(param), g = Data(grad);
        float[]? buf = DataOrNull(momentum);
        for (int i = 0; i < n; i++)
        {
            float d = g[i] + p.WeightDecay * w[i];
            if (buf is not null)
            {
                buf[i] = p.FirstStep ? d : p.Momentum * buf[i] + (1f - p.Dampening) * d;
                d = p.Nesterov ? d + p.Momentum * buf[i] : buf[i];
            }
            w[i] -= p.Lr * d;
        }
    }

    /// <inheritdoc/>
    public void AdamStep(in AdamParams p, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, int n)
    {
        float[] w = Data(param), g = Data(grad), ms = Data(m), vs = Data(v);
        ref float wr = ref MemoryMarshal.GetArrayDataReference(w), gr = ref MemoryMarshal.GetArrayDataReference(g);
        ref float mr = ref MemoryMarshal.GetArrayDataReference(ms), vr = ref MemoryMarshal.GetArrayDataReference(vs);
        var (beta1, beta2, oneMinusBeta1, oneMinusBeta2) = (Vector256.Create(p.Beta1), Vector256.Create(p.Beta2), Vector256.Create(p.OneMinusBeta1), Vector256.Create(p.OneMinusBeta2));
        var (stepSize, correction, eps, decay) = (Vector256.Create(-p.StepSize), Vector256.Create(p.BiasCorrection2Sqrt), Vector256.Create(p.Eps), Vector256.Create(p.WeightDecay));
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
            {
                var (wi, gi) = (Vector256.LoadUnsafe(ref wr, (nuint)i), Vector256.LoadUnsafe(ref gr, (nuint)i));
                if (p.WeightDecay != 0f) gi = Vector256.FusedMultiplyAdd(wi, decay, gi);
                var mi = Vector256.FusedMultiplyAdd(gi, oneMinusBeta1, Vector256.LoadUnsafe(ref mr, (nuint)i) * beta1);
                var vi = Vector256.LoadUnsafe(ref vr, (nuint)i) * beta2 + oneMinusBeta2 * gi * gi;
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                (wi + stepSize * (mi / (Vector256.Sqrt(vi) / correction + eps))).StoreUnsafe(ref wr, (nuint)i);
            }
        for (; i < n; i++)
        {
            // The same roundings as ATen's CPU kernels: add_(alpha) fuses, addcmul_ and addcdiv_ do not.
            float gi = p.WeightDecay == 0f ? g[i] : MathF.FusedMultiplyAdd(w[i], p.WeightDecay, g[i]);
            ms[i] = MathF.FusedMultiplyAdd(gi, p.OneMinusBeta1, ms[i] * p.Beta1);
            vs[i] = vs[i] * p.Beta2 + p.OneMinusBeta2 * gi * gi;
            w[i] += -p.StepSize * (ms[i] / (MathF.Sqrt(vs[i]) / p.BiasCorrection2Sqrt + p.Eps));
        }
    }
}
