namespace ConvEngine;

// Activations as functions; the kernels and derivatives live in Tensor.Unary.cs.
public static partial class Functional
{
    /// <summary>1 / (1 + e^−x), element-wise, as <c>torch.sigmoid</c>; input (*) → output (*).</summary>
    public static Tensor Sigmoid(Tensor input) => input.Sigmoid();

    /// <summary>max(x, 0), element-wise, as <c>F.relu</c>; input (*) → output (*).</summary>
    public static Tensor Relu(Tensor input) => input.Relu();

    /// <summary>tanh x, element-wise, as <c>torch.tanh</c>; input (*) → output (*).</summary>
    public static Tensor Tanh(Tensor input) => input.Tanh();
}
