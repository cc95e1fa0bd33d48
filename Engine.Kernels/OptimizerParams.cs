namespace ConvEngine.Kernels;

/// <summary>
/// One SGD step as PyTorch's <c>torch.optim.SGD</c> takes it:
/// d = g + WeightDecay·p; with momentum, buf = FirstStep ? d : Momentum·buf + (1 − Dampening)·d and
/// d = Nesterov ? d + Momentum·buf : buf; then p −= Lr·d.
/// </summary>
public readonly record struct SgdParams(float Lr, float Momentum, float Dampening, float WeightDecay, bool Nesterov, bool FirstStep);

/// <summary>
/// One Adam step as PyTorch's <c>torch.optim.Adam</c> takes it (Step counts from 1):
/// g += WeightDecay·p; m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²;
/// p −= (Lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + Eps).
/// </summary>
public readonly record struct AdamParams(float Lr, float Beta1, float Beta2, float Eps, float WeightDecay, int Step);
