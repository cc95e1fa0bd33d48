namespace ConvEngine.Optim;

/// <summary>Base of the optimizers, as <c>torch.optim.Optimizer</c>: holds the parameters, clears and applies gradients.</summary>
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
}
