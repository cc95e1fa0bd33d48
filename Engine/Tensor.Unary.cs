using ConvEngine.Kernels;

namespace ConvEngine;

// One-input element-wise functions and the activations, forward and backward side by side.
public sealed partial class Tensor
{
    /// <summary>−x for every element; same shape.</summary>
    public Tensor Neg() => Affine(-1f, 0f, "NegBackward0");

    /// <summary>e^x for every element; same shape.</summary>
    public Tensor Exp() => UnaryWithDerivative(UnaryOp.Exp, "ExpBackward0");

    /// <summary>Natural logarithm of every element (NaN below 0, −∞ at 0); same shape.</summary>
    public Tensor Log() => UnaryWithDerivative(UnaryOp.Log, "LogBackward0");

    /// <summary>Square root of every element (NaN below 0); same shape.</summary>
    public Tensor Sqrt() => UnaryWithDerivative(UnaryOp.Sqrt, "SqrtBackward0");

    /// <summary>|x| for every element; same shape.</summary>
    public Tensor Abs() => UnaryWithDerivative(UnaryOp.Abs, "AbsBackward0");

    /// <summary>x ^ <paramref name="exponent"/> for every element, as PyTorch's <c>x ** 2</c>; same shape.</summary>
    public Tensor Pow(float exponent) => UnaryWithDerivative(UnaryOp.PowScalar, "PowBackward0", exponent);

    /// <summary>1 / (1 + e^−x) for every element; same shape.</summary>
    public Tensor Sigmoid() => UnaryWithDerivative(UnaryOp.Sigmoid, "SigmoidBackward0");

    /// <summary>max(x, 0) for every element (NaN stays NaN); same shape.</summary>
    public Tensor Relu() => UnaryWithDerivative(UnaryOp.Relu, "ReluBackward0");

    /// <summary>tanh x for every element; same shape.</summary>
    public Tensor Tanh() => UnaryWithDerivative(UnaryOp.Tanh, "TanhBackward0");

    // y = f(x); the backward kernel reads x or y as the derivative needs (see IBackend.UnaryBackward).
    private Tensor UnaryWithDerivative(UnaryOp op, string name, float scalar = 0f)
    {
        var x = Contiguous0();
        var y = Uninitialized((int[])_shape.Clone(), Device);
        int n = Numel;
        Backend.Unary(op, x, y.Buffer, n, scalar);
        return Record(y, name, [this], g =>
        {
            var gx = Uninitialized((int[])_shape.Clone(), Device);
            Backend.UnaryBackward(op, x, y.Buffer, g.Contiguous0(), gx.Buffer, n, scalar);
            return [gx];
        });
    }
}
