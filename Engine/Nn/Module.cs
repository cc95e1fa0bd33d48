using System.Text;

namespace ConvEngine.Nn;

/// <summary>
/// Base of every layer, as PyTorch's <c>nn.Module</c>: named parameters and child modules, recursive
/// <see cref="Parameters"/>, <see cref="StateDict"/> with PyTorch's dotted names (<c>0.weight</c>),
/// <see cref="ZeroGrad"/>, moving to a device, and a PyTorch-style <see cref="ToString"/>.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor? Value)> _parameters = [];
    private readonly List<(string Name, Module Module)> _children = [];

    /// <summary>Computes the layer's output from <paramref name="input"/> (PyTorch's <c>forward</c>); each layer documents its shapes.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Whether the module is in training mode (PyTorch's <c>training</c>); no layer here behaves differently yet.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Sets training mode on this module and its children; returns this.</summary>
    public Module Train(bool mode = true)
    {
        Training = mode;
        foreach (var (_, child) in _children) child.Train(mode);
        return this;
    }

    /// <summary>Sets evaluation mode (<c>Train(false)</c>); returns this.</summary>
    public Module Eval() => Train(false);

    /// <summary>Registers a parameter (a leaf tensor that requires grad) under <paramref name="name"/>; null registers an absent one (bias=False).</summary>
    protected void RegisterParameter(string name, Tensor? value)
    {
        if (value is not null) TensorScope.Escape(value.RequiresGrad_());
        _parameters.Add((name, value));
    }

    /// <summary>Registers a child module; its parameters appear as <c>name.param</c>.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        _children.Add((name, module));
        return module;
    }

    /// <summary>The registered parameter <paramref name="name"/> (null when registered absent).</summary>
    protected Tensor? Parameter(string name) => _parameters.First(p => p.Name == name).Value;

    /// <summary>Every parameter of this module and its children, in registration order.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Value);

    /// <summary>Every parameter with its dotted name (<c>0.weight</c>, <c>0.bias</c>, …).</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedParameters(string prefix = "")
    {
        foreach (var (name, value) in _parameters)
            if (value is not null) yield return new(prefix + name, value);
        foreach (var (name, child) in _children)
            foreach (var p in child.NamedParameters(prefix + name + "."))
                yield return p;
    }

    /// <summary>The direct children with their names.</summary>
    public IEnumerable<KeyValuePair<string, Module>> NamedChildren() => _children.Select(c => new KeyValuePair<string, Module>(c.Name, c.Module));

    /// <summary>The learnable state under PyTorch's names, detached, in registration order.</summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var dict = new OrderedDictionary<string, Tensor>();
        foreach (var (name, value) in NamedParameters()) dict.Add(name, value.Detach());
        return dict;
    }

    /// <summary>
    /// Copies tensors into the parameters with the same names. Every expected name must be present with
    /// the right shape and no other name may appear; otherwise nothing is changed and the error lists
    /// what is missing, unexpected or mismatched.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        var own = NamedParameters().ToList();
        var problems = new List<string>();
        var missing = own.Where(p => !state.ContainsKey(p.Key)).Select(p => $"\"{p.Key}\"").ToList();
        var unexpected = state.Keys.Where(k => own.All(p => p.Key != k)).Select(k => $"\"{k}\"").ToList();
        if (missing.Count > 0) problems.Add("Missing key(s) in state_dict: " + string.Join(", ", missing) + ".");
        if (unexpected.Count > 0) problems.Add("Unexpected key(s) in state_dict: " + string.Join(", ", unexpected) + ".");
        foreach (var (name, param) in own)
            if (state.TryGetValue(name, out var t) && !t.Shape.Equals(param.Shape))
                problems.Add($"size mismatch for {name}: copying a param with shape torch.Size({t.Shape}) from checkpoint, the shape in current model is torch.Size({param.Shape}).");
        if (problems.Count > 0)
            throw new ConvEngineException($"Error(s) in loading state_dict for {GetType().Name}: " + string.Join(" ", problems));
        foreach (var (name, param) in own) param.Data.CopyFrom(state[name]);
    }

    /// <summary>Clears every parameter's gradient (sets it to null, PyTorch's default).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    /// <summary>Moves every parameter to <paramref name="device"/>; returns this.</summary>
    public Module To(Device device)
    {
        for (int i = 0; i < _parameters.Count; i++)
            if (_parameters[i].Value is { } v && !v.Device.Equals(device))
                _parameters[i] = (_parameters[i].Name, TensorScope.Escape(v.Detach().To(device).RequiresGrad_()));
        foreach (var (_, child) in _children) child.To(device);
        return this;
    }

    /// <summary>
    /// A table of the layers with each one's output shape and parameter count, then the totals, like torchinfo's
    /// <c>summary(model, input_size)</c>. It runs a zero tensor of <paramref name="inputShape"/> (batch
    /// included, e.g. <c>1, 1, 28, 28</c> for (N, C, H, W)) through the model on its parameters' device, without
    /// recording gradients. A <see cref="Sequential"/> is listed layer by layer (nested ones indented); any
    /// other module is one row counting its children's parameters too. A layer that rejects its input's shape
    /// is named in the error.
    /// </summary>
    public string Summary(params int[] inputShape) => ModuleSummary.Of(this, inputShape);

    /// <summary>The one-line description inside PyTorch's repr, e.g. <c>in_features=400, out_features=120, bias=True</c>.</summary>
    protected virtual string ExtraRepr() => "";

    /// <summary>PyTorch's module repr: <c>Sequential(\n  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))\n  …\n)</c>.</summary>
    public override string ToString()
    {
        string name = GetType().Name;
        if (_children.Count == 0) return $"{name}({ExtraRepr()})";
        var sb = new StringBuilder(name).Append('(');
        foreach (var (childName, child) in _children)
            sb.Append("\n  (").Append(childName).Append("): ").Append(child.ToString().Replace("\n", "\n  "));
        return sb.Append("\n)").ToString();
    }
}
