using ConvEngine.Autograd;
using ConvEngine.Kernels;

namespace ConvEngine;

// Reverse-mode differentiation: walk the recorded graph from this tensor back to the leaves.
public sealed partial class Tensor
{
    /// <summary>
    /// A scope in which operations record nothing (PyTorch's <c>torch.no_grad()</c>):
    /// <c>using (Tensor.NoGrad()) { ... }</c>.
    /// </summary>
    public static IDisposable NoGrad() => GradMode.Disable();

    /// <summary>
    /// Computes the gradient of this tensor with respect to every leaf that requires one and adds it to
    /// the leaf's <see cref="Grad"/>. <paramref name="gradient"/> is d(something)/d(this); it may be
    /// omitted only for a one-element tensor, where it is 1.
    /// </summary>
    public void Backward(Tensor? gradient = null)
    {
        if (!RequiresGrad)
            throw new ConvEngineException("element 0 of tensors does not require grad and does not have a grad_fn");
        if (gradient is null)
        {
            if (Numel != 1) throw new ConvEngineException("grad can be implicitly created only for scalar outputs");
            gradient = OnesLike(this);
        }
        else if (!gradient.Shape.Equals(Shape))
            throw new ConvEngineException($"Mismatch in shape: grad_output[0] has a shape of torch.Size({gradient.Shape}) and output[0] has a shape of torch.Size({Shape}).");

        using var noGrad = NoGrad();
        using var inBackward = AnomalyMode.InBackward();
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance) { [this] = gradient };
        foreach (var t in TopologicalOrder())
        {
            if (!grads.Remove(t, out var g)) continue;
            if (t.GradFn is null)
            {
                AccumulateGrad(t, g);
                continue;
            }
            var inputGrads = t.GradFn.Backward(g);
            AnomalyMode.CheckBackward(t.GradFn.Name, inputGrads);
            var inputs = t.GradFn.Inputs;
            for (int i = 0; i < inputs.Length; i++)
            {
                if (inputGrads[i] is not { } gi || !inputs[i].RequiresGrad) continue;
                grads[inputs[i]] = grads.TryGetValue(inputs[i], out var sum) ? sum.Add(gi) : gi;
            }
        }
    }

    // Leaves keep their own copy, so later in-place accumulation never writes into another tensor's memory.
    private static void AccumulateGrad(Tensor leaf, Tensor g)
    {
        if (leaf.Grad is null) leaf.Grad = g.Clone();
        else leaf.Backend.Binary(BinaryOp.Add, leaf.Grad.Layout, g.Layout, leaf.Grad.Layout);
    }

    // Outputs before inputs: reverse post-order of a depth-first walk (iterative; graphs can be deep).
    private List<Tensor> TopologicalOrder()
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Tensor, int NextInput)>();
        stack.Push((this, 0));
        visited.Add(this);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn?.Inputs ?? [];
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var child = inputs[next];
                if (child.RequiresGrad && visited.Add(child)) stack.Push((child, 0));
                continue;
            }
            order.Add(t);
        }
        order.Reverse();
        return order;
    }

    /// <summary>True when any element is NaN or ±Inf.</summary>
    public bool HasNonFinite() => AnomalyMode.NonFiniteKind(this) is not null;
}
