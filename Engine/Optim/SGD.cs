using ConvEngine.Kernels;

namespace ConvEngine.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay, as <c>torch.optim.SGD</c>.
/// With momentum its state is one <c>momentum_buffer</c> per parameter; without, it has none.
/// </summary>
public sealed class SGD : Optimizer
{
    private readonly DeviceBuffer?[] _momentum;

    /// <summary>Creates the optimizer; the hyper-parameters mean what they mean in PyTorch.</summary>
    public SGD(IEnumerable<Tensor> parameters, float lr, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
        : base(parameters)
    {
        if (lr < 0) throw new ConvEngineException($"Invalid learning rate: {lr}");
        if (momentum < 0) throw new ConvEngineException($"Invalid momentum value: {momentum}");
        if (weightDecay < 0) throw new ConvEngineException($"Invalid weight_decay value: {weightDecay}");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ConvEngineException("Nesterov momentum requires a momentum and zero dampening");
        (Lr, Momentum, Dampening, WeightDecay, Nesterov) = (lr, momentum, dampening, weightDecay, nesterov);
        _momentum = new DeviceBuffer?[Params.Length];
    }

    /// <summary>Learning rate (may be changed between steps).</summary>
    public float Lr { get; set; }
    /// <summary>Momentum factor.</summary>
    public float Momentum { get; }
    /// <summary>Dampening for momentum.</summary>
    public float Dampening { get; }
    /// <summary>L2 penalty.</summary>
    public float WeightDecay { get; }
    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override void Step()
    {
        for (int i = 0; i < Params.Length; i++)
        {
            var p = Params[i];
            if (p.Grad is null) continue;
            bool first = false;
            if (Momentum != 0 && _momentum[i] is null)
            {
                _momentum[i] = p.Backend.Allocate(p.Numel);
                first = true;
            }
            p.Backend.SgdStep(new SgdParams(Lr, Momentum, Dampening, WeightDecay, Nesterov, first),
                p.Buffer, p.Grad.Contiguous0(), _momentum[i], p.Numel);
        }
    }

    /// <inheritdoc/>
    protected override IReadOnlyDictionary<string, int[]> StateShapes(int index) =>
        Momentum == 0 ? base.StateShapes(index) : new Dictionary<string, int[]> { ["momentum_buffer"] = Params[index].Shape.ToArray() };

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, Tensor>> SaveState(int index)
    {
        if (_momentum[index] is { } buffer) yield return new("momentum_buffer", Snapshot(index, buffer));
    }

    /// <inheritdoc/>
    protected override void RestoreState(int index, IReadOnlyDictionary<string, Tensor>? state) =>
        _momentum[index] = state is null ? null : Restore(index, state["momentum_buffer"]);
}
