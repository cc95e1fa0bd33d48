using ConvEngine.Kernels;

namespace ConvEngine.Optim;

/// <summary>Adam, as <c>torch.optim.Adam</c> (no amsgrad), with bias-corrected moment estimates.</summary>
public sealed class Adam : Optimizer
{
    private readonly DeviceBuffer?[] _m, _v;
    private readonly int[] _steps;

    /// <summary>Creates the optimizer; defaults are PyTorch's.</summary>
    public Adam(IEnumerable<Tensor> parameters, float lr = 1e-3f, (float Beta1, float Beta2)? betas = null, float eps = 1e-8f, float weightDecay = 0f)
        : base(parameters)
    {
        var (b1, b2) = betas ?? (0.9f, 0.999f);
        if (lr < 0) throw new ConvEngineException($"Invalid learning rate: {lr}");
        if (eps < 0) throw new ConvEngineException($"Invalid epsilon value: {eps}");
        if (b1 is < 0 or >= 1) throw new ConvEngineException($"Invalid beta parameter at index 0: {b1}");
        if (b2 is < 0 or >= 1) throw new ConvEngineException($"Invalid beta parameter at index 1: {b2}");
        if (weightDecay < 0) throw new ConvEngineException($"Invalid weight_decay value: {weightDecay}");
        (Lr, Beta1, Beta2, Eps, WeightDecay) = (lr, b1, b2, eps, weightDecay);
        _m = new DeviceBuffer?[Params.Length];
        _v = new DeviceBuffer?[Params.Length];
        _steps = new int[Params.Length];
    }

    /// <summary>Learning rate (may be changed between steps).</summary>
    public float Lr { get; set; }
    /// <summary>Decay of the first moment.</summary>
    public float Beta1 { get; }
    /// <summary>Decay of the second moment.</summary>
    public float Beta2 { get; }
    /// <summary>Added to the denominator for stability.</summary>
    public float Eps { get; }
    /// <summary>L2 penalty.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public override void Step()
    {
        for (int i = 0; i < Params.Length; i++)
        {
            var p = Params[i];
            if (p.Grad is null) continue;
            _m[i] ??= p.Backend.Allocate(p.Numel);
            _v[i] ??= p.Backend.Allocate(p.Numel);
            _steps[i]++;
            p.Backend.AdamStep(new AdamParams(Lr, Beta1, Beta2, Eps, WeightDecay, _steps[i]),
                p.Buffer, p.Grad.Contiguous0(), _m[i]!, _v[i]!, p.Numel);
        }
    }
}
