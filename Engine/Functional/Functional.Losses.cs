using ConvEngine.Kernels;

namespace ConvEngine;

/// <summary>How a loss combines its per-element terms, as PyTorch's <c>reduction=</c>.</summary>
public enum Reduction
{
    /// <summary>Average of the terms.</summary>
    Mean,
    /// <summary>Sum of the terms.</summary>
    Sum,
}

// Log-softmax and the losses, forward and backward side by side.
public static partial class Functional
{
    /// <summary>
    /// log(softmax(x)) along <paramref name="dim"/>, computed stably as x − max − log Σ exp(x − max), as
    /// <c>F.log_softmax</c>; input (*) → output (*), e.g. logits (N, C) with dim 1.
    /// </summary>
    public static Tensor LogSoftmax(Tensor input, int dim)
    {
        dim = Tensor.NormalizeDim(dim, input.Dim);
        // A 0-d tensor is one element along its one dimension, as in PyTorch.
        var p = input.Dim == 0 ? new ReduceParams(1, 1, 1) : ReduceParams.AroundDim(input.ShapeArray, dim);
        var backend = input.Backend;
        var y = Tensor.Uninitialized(input.ShapeArray, input.Device);
        backend.LogSoftmax(p, input.Contiguous0(), y.Buffer);
        return Tensor.Record(y, "LogSoftmaxBackward0", [input], g =>
        {
            var gx = Tensor.Uninitialized(input.ShapeArray, input.Device);
            backend.LogSoftmaxBackward(p, y.Buffer, g.Contiguous0(), gx.Buffer);
            return [gx];
        });
    }

    /// <summary>
    /// Negative log-likelihood of the target classes, as <c>F.nll_loss</c>.
    /// </summary>
    /// <param name="logProbs">(N, C) log-probabilities</param>
    /// <param name="target">(N) class indices in [0, C), as floats</param>
    /// <param name="reduction">mean (default) or sum over the batch</param>
    /// <returns>a scalar</returns>
    public static Tensor NllLoss(Tensor logProbs, Tensor target, Reduction reduction = Reduction.Mean)
    {
        Tensor.CheckSameDevice(logProbs, target);
        if (logProbs.Dim != 2) throw new ConvEngineException($"nll_loss expects a 2-D input (N, C), but got input of size {logProbs.Shape}");
        int rows = logProbs.Size(0), cols = logProbs.Size(1);
        if (target.Dim != 1 || target.Size(0) != rows)
            throw new ConvEngineException($"Expected input batch_size ({rows}) to match target batch_size ({(target.Dim == 0 ? 1 : target.Size(0))}).");
        foreach (float t in target.ToArray())
            if (t < 0 || t >= cols || t != MathF.Floor(t)) throw new ConvEngineException($"Target {t} is out of bounds.");
        bool mean = reduction == Reduction.Mean;
        var backend = logProbs.Backend;
        var targets = target.Contiguous0();
        var loss = Tensor.Uninitialized([], logProbs.Device);
        backend.NllLoss(rows, cols, logProbs.Contiguous0(), targets, loss.Buffer, mean);
        return Tensor.Record(loss, "NllLossBackward0", [logProbs], g =>
        {
            var gx = Tensor.Uninitialized([rows, cols], logProbs.Device);
            backend.NllLossBackward(rows, cols, targets, g.Contiguous0(), gx.Buffer, mean);
            return [gx];
        });
    }

    /// <summary>Cross-entropy of logits against class indices: log-softmax then NLL, as <c>F.cross_entropy</c>.</summary>
    /// <param name="logits">(N, C)</param>
    /// <param name="target">(N) class indices in [0, C), as floats</param>
    /// <param name="reduction">mean (default) or sum over the batch</param>
    /// <returns>a scalar</returns>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean)
    {
        if (logits.Dim != 1) return NllLoss(LogSoftmax(logits, 1), target, reduction);
        // Unbatched: logits (C) and a 0-d target (class probabilities, PyTorch's other reading of a 1-D target, are not supported).
        if (target.Dim != 0) throw new ConvEngineException($"size mismatch (got input: {logits.Shape}, target: {target.Shape})");
        return NllLoss(LogSoftmax(logits.Unsqueeze(0), 1), target.Reshape(1), reduction);
    }

    /// <summary>
    /// Squared error Σ(input − target)² or its mean over all elements, as <c>F.mse_loss</c>: input and target of
    /// one shape (*), result a scalar (shape []).
    /// </summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        if (!input.Shape.Equals(target.Shape))
            throw new ConvEngineException($"mse_loss expects input and target of the same size, but got input of size {input.Shape} and target of size {target.Shape}");
        Tensor.CheckSameDevice(input, target);
        Tensor diff, loss;
        using (Tensor.NoGrad())
        {
            diff = input - target;
            var squared = diff * diff;
            loss = reduction == Reduction.Mean ? squared.Mean() : squared.Sum();
        }
        float scale = reduction == Reduction.Mean ? 2f / Math.Max(1, input.Numel) : 2f;
        return Tensor.Record(loss, "MseLossBackward0", [input, target], g =>
        {
            var gx = diff * g * scale; // d/dx Σ(x − y)² = 2(x − y)
            return [input.RequiresGrad ? gx : null, target.RequiresGrad ? -gx : null];
        });
    }
}
