using ConvEngine.Kernels;

namespace ConvEngine.Optim;

/// <summary>
/// Base of the optimizers, as <c>torch.optim.Optimizer</c>: holds the parameters, clears and applies gradients,
/// and saves and restores the per-parameter state under PyTorch's names (<c>state.0.momentum_buffer</c>,
/// <c>state.3.exp_avg</c>, …), so a resumed run continues exactly where it stopped.
/// </summary>
public abstract class Optimizer
{
    /// <summary>Takes the parameters to update (typically <c>model.Parameters()</c>).</summary>
    protected Optimizer(IEnumerable<Tensor> parameters)
    {
        Params = parameters.ToArray();
        if (Params.Length == 0) throw new ConvEngineException("optimizer got an empty parameter list");
        foreach (var p in Params)
            if (!p.IsLeaf) throw new ConvEngineException("can't optimize a non-leaf Tensor");
    }

    /// <summary>The parameters, in the order given.</summary>
    protected Tensor[] Params { get; }

    /// <summary>Sets every parameter's gradient to null.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Params) p.Grad = null;
    }

    /// <summary>Applies one update to every parameter that has a gradient, on its device, in place.</summary>
    public abstract void Step();

    /// <summary>
    /// The per-parameter state as PyTorch's <c>state_dict()["state"]</c> flattens it: <c>state.{index}.{name}</c>,
    /// index being the parameter's position. Parameters without state yet (never stepped) have no entries.
    /// The tensors are copies on the parameters' device: later steps do not change them. Hyper-parameters
    /// (PyTorch's <c>param_groups</c>) are the caller's to record.
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var dict = new OrderedDictionary<string, Tensor>();
        for (int i = 0; i < Params.Length; i++)
            foreach (var (name, value) in SaveState(i)) dict.Add($"state.{i}.{name}", value);
        return dict;
    }

    /// <summary>
    /// Replaces the per-parameter state with <paramref name="state"/> (as <see cref="StateDict"/> returns it, from
    /// any device). A parameter has either all of its entries or none (then its state is cleared). Unknown
    /// names, incomplete entries, wrong shapes or invalid values change nothing and throw, listing every problem.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        var byParam = new Dictionary<string, Tensor>?[Params.Length];
        var problems = new List<string>();
        foreach (var (key, value) in state)
        {
            var parts = key.Split('.', 3);
            if (parts.Length == 3 && parts[0] == "state" && int.TryParse(parts[1], out int i) && i >= 0 && i < Params.Length
                && StateShapes(i).ContainsKey(parts[2]) && parts[1] == i.ToString())
                (byParam[i] ??= [])[parts[2]] = value;
            else
                problems.Add($"unexpected key \"{key}\"");
        }
        for (int i = 0; i < Params.Length; i++)
        {
            if (byParam[i] is not { } entries) continue;
            int before = problems.Count;
            foreach (var (name, shape) in StateShapes(i))
            {
                if (!entries.TryGetValue(name, out var t)) problems.Add($"missing key \"state.{i}.{name}\"");
                else if (!t.Shape.Equals(new Size(shape)))
                    problems.Add($"size mismatch for state.{i}.{name}: shape {t.Shape} in the state dict, {new Size(shape)} expected");
            }
            if (problems.Count == before) problems.AddRange(CheckValues(i, entries));
        }
        if (problems.Count > 0)
            throw new ConvEngineException($"Error(s) in loading state_dict for {GetType().Name}: " + string.Join("; ", problems) + ".");
        for (int i = 0; i < Params.Length; i++) RestoreState(i, byParam[i]);
    }

    // The state protocol below defaults to an optimizer without state, so a custom optimizer only needs Step().

    /// <summary>The names of parameter <paramref name="index"/>'s state entries with the shape each must have (none by default).</summary>
    protected virtual IReadOnlyDictionary<string, int[]> StateShapes(int index) => NoState;

    /// <summary>Parameter <paramref name="index"/>'s current state as copies; empty when it has none (yet).</summary>
    protected virtual IEnumerable<KeyValuePair<string, Tensor>> SaveState(int index) => [];

    /// <summary>Problems with the values of a complete, correctly shaped entry set (e.g. a step that is not a positive integer).</summary>
    protected virtual IEnumerable<string> CheckValues(int index, IReadOnlyDictionary<string, Tensor> state) => [];

    /// <summary>Replaces parameter <paramref name="index"/>'s state with validated entries, or clears it when null (nothing to do by default).</summary>
    protected virtual void RestoreState(int index, IReadOnlyDictionary<string, Tensor>? state) { }

    private static readonly IReadOnlyDictionary<string, int[]> NoState = new Dictionary<string, int[]>();

    /// <summary>A copy of a state buffer shaped like parameter <paramref name="index"/>.</summary>
    private protected Tensor Snapshot(int index, DeviceBuffer buffer)
    {
        var p = Params[index];
        var copy = Tensor.Empty((int[])p.ShapeArray.Clone(), p.Device);
        p.Backend.Copy(StridedView.Contiguous(buffer, p.ShapeArray), copy.Layout);
        return copy;
    }

    /// <summary>A new state buffer for parameter <paramref name="index"/> holding <paramref name="value"/>'s elements.</summary>
    private protected DeviceBuffer Restore(int index, Tensor value)
    {
        var p = Params[index];
        var buffer = p.Backend.Allocate(p.Numel);
        p.Backend.Copy(value.Detach().To(p.Device).Layout, StridedView.Contiguous(buffer, p.ShapeArray));
        return buffer;
    }
}
