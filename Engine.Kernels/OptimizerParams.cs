namespace ConvEngine.Kernels;

/// <summary>
/// One SGD step as PyTorch's <c>torch.optim.SGD</c> takes it:
/// d = g + WeightDecay·p; with momentum, buf = FirstStep ? d : Momentum·buf + (1 − Dampening)·d and
/// d = Nesterov ? d + Momentum·buf : buf; then p −= Lr·d.
/// </summary>
public readonly record struct SgdParams(float Lr, float Momentum, float Dampening, float WeightDecay, bool Nesterov, bool FirstStep);

/// <summary>
/// One Adam step as PyTorch's <c>torch.optim.Adam</c> takes it: g += WeightDecay·p; m = β1·m + (1 − β1)·g;
/// v = β2·v + (1 − β2)·g²; p −= StepSize · m / (√v / BiasCorrection2Sqrt + Eps). The scalar factors are
/// computed once in double from the user's hyper-parameters and step count (StepSize = lr / (1 − β1^t),
/// BiasCorrection2Sqrt = √(1 − β2^t)) and rounded to float, as PyTorch does with Python floats.
/// </summary>
public readonly record struct AdamParams(float Beta1, float Beta2, float OneMinusBeta1, float OneMinusBeta2,
    float StepSize, float BiasCorrection2Sqrt, float Eps, float WeightDecay)
{
    /// <summary>The factors for step <paramref name="step"/> (counting from 1) of Adam with these hyper-parameters.</summary>
    public static AdamParams For(double lr, double beta1, double beta2, double eps, double weightDecay, int step) =>
        new((float)beta1, (float)beta2, (float)(1 - beta1), (float)(1 - beta2),
            (float)(lr / (1 - Math.Pow(beta1, step))), (float)Math.Sqrt(1 - Math.Pow(beta2, step)), (float)eps, (float)weightDecay);
}
