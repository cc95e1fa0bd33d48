using ConvEngine.Kernels;

namespace ConvEngine.Optim;

/// <summary>
/// Adam, as <c>torch.optim.Adam</c> (no amsgrad), with bias-corrected moment estimates. Its state per parameter is
/// PyTorch's: <c>step</c> (a scalar), <c>exp_avg</c> and <c>exp_avg_sq</c>.
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly DeviceBuffer?[] _m, _v;
    private readonly int[] _steps;

    /// <summary>Creates the optimizer; defaults are PyTorch's.</summary>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 0)
        : base(parameters)
    {
        var (b1, b2) = betas ?? (0.9, 0.999);
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
    public double Lr { get; set; }
    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }
    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }
    /// <summary>Added to the denominator for stability.</summary>
    public double Eps { get; }
    /// <summary>L2 penalty.</summary>
    public double WeightDecay { get; }

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
            p.Backend.AdamStep(AdamParams.For(Lr, Beta1, Beta2, Eps, WeightDecay, _steps[i]),
                p.Buffer, p.Grad.Contiguous0(), _m[i]!, _v[i]!, p.Numel);
        }
    }

    /// <inheritdoc/>
    protected override IReadOnlyDictionary<string, int[]> StateShapes(int index)
    {
        var shape = Params[index].Shape.ToArray();
        return new Dictionary<string, int[]> { ["step"] = [], ["exp_avg"] = shape, ["exp_avg_sq"] = shape };
    }

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, Tensor>> SaveState(int index)
    {
        if (_steps[index] == 0) yield break;
        // A float32 scalar as PyTorch keeps it; exact for any count below 2^24 steps.
        yield return new("step", Tensor.Scalar(_steps[index]));
        yield return new("exp_avg", Snapshot(index, _m[index]!));
        yield return new("exp_avg_sq", Snapshot(index, _v[index]!));
    }

    /// <inheritdoc/>
    protected override IEnumerable<string> CheckValues(int index, IReadOnlyDictionary<string, Tensor> state)
    {
        float step = state["step"].Item();
        if (!(step >= 1 && step <= 1 << 24 && step == MathF.Floor(step)))
            yield return $"state.{index}.step is {step}, expected a positive whole number";
    }

    /// <inheritdoc/>
    protected override void RestoreState(int index, IReadOnlyDictionary<string, Tensor>? state)
    {
        if (state is null)
        {
            (_m[index], _v[index], _steps[index]) = (null, null, 0);
            return;
        }
        _m[index] = Restore(index, state["exp_avg"]);
        _v[index] = Restore(index, state["exp_avg_sq"]);
        _steps[index] = (int)state["step"].Item();
    }
}
