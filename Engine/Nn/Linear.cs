namespace ConvEngine.Nn;

/// <summary>
/// A fully connected layer y = x·Wᵀ + b, as <c>nn.Linear</c>: weight (out, in), bias (out), initialised as
/// PyTorch does. Input (*, in) → output (*, out).
/// </summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer; <paramref name="generator"/> defaults to the global one.</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Generator? generator = null)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ConvEngineException($"Linear features must be positive, but got in_features={inFeatures}, out_features={outFeatures}");
        (InFeatures, OutFeatures) = (inFeatures, outFeatures);
        RegisterParameter("weight", Init.KaimingUniform(Tensor.Zeros(outFeatures, inFeatures), Math.Sqrt(5), generator));
        float bound = 1f / MathF.Sqrt(inFeatures);
        RegisterParameter("bias", bias ? Init.Uniform(Tensor.Zeros(outFeatures), -bound, bound, generator) : null);
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }
    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>(out, in).</summary>
    public Tensor Weight => Parameter("weight")!;

    /// <summary>(out), or null when created with bias: false.</summary>
    public Tensor? Bias => Parameter("bias");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is null ? "False" : "True")}";
}
