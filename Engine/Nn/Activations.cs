namespace ConvEngine.Nn;

/// <summary>Element-wise 1 / (1 + e^−x), as <c>nn.Sigmoid</c>: input (*) → output (*).</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}

/// <summary>Element-wise max(x, 0), as <c>nn.ReLU</c>: input (*) → output (*).</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Relu();
}

/// <summary>Element-wise tanh, as <c>nn.Tanh</c>: input (*) → output (*).</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Tanh();
}

/// <summary>
/// Merges dimensions <c>startDim</c>..<c>endDim</c> (inclusive; negative counts from the end) into one, as
/// <c>nn.Flatten</c>; the defaults keep the batch: (N, C, H, W) → (N, C·H·W).
/// </summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Flatten(startDim, endDim);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"start_dim={startDim}, end_dim={endDim}";
}
