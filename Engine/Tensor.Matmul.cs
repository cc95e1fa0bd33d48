using ConvEngine.Kernels;

namespace ConvEngine;

// Matrix products, forward and backward side by side: 2-D @ 2-D through the backend's GEMM.
public sealed partial class Tensor
{
    /// <summary>
    /// Matrix product: (n, k) @ (k, m) → (n, m). A 1-D operand is treated as a row (left) or a
    /// column (right) vector and that dimension is removed from the result, as in PyTorch.
    /// </summary>
    public Tensor Matmul(Tensor other)
    {
        if (Dim == 0 || other.Dim == 0)
            throw new ConvEngineException("both arguments to matmul need to be at least 1D, but they are " + $"{Dim}D and {other.Dim}D");
        if (Dim > 2 || other.Dim > 2)
            throw new ConvEngineException($"matmul supports 1-D and 2-D operands, but got {Dim}D and {other.Dim}D");
        // PyTorch words the vector cases' mismatches as its dot and mv kernels do.
        if (Dim == 1 && other.Dim == 1)
        {
            if (_shape[0] != other._shape[0])
                throw new ConvEngineException(
                    $"inconsistent tensor size, expected tensor [{_shape[0]}] and src [{other._shape[0]}] to have the same number of elements, but got {_shape[0]} and {other._shape[0]} elements respectively");
            return Unsqueeze(0).Mm(other.Unsqueeze(1)).Reshape(); // dot product → scalar
        }
        if (Dim == 1) return Unsqueeze(0).Mm(other).Squeeze(0);
        if (other.Dim == 1)
        {
            if (_shape[1] != other._shape[0])
                throw new ConvEngineException($"size mismatch, got {_shape[0]}, {_shape[0]}x{_shape[1]},{other._shape[0]}");
            return Mm(other.Unsqueeze(1)).Squeeze(1);
        }
        return Mm(other);
    }

    // (n, k) @ (k, m); both backward products reuse the GEMM with transposed operands.
    private Tensor Mm(Tensor b)
    {
        CheckSameDevice(this, b);
        if (_shape[1] != b._shape[0])
            throw new ConvEngineException(
                $"mat1 and mat2 shapes cannot be multiplied ({_shape[0]}x{_shape[1]} and {b._shape[0]}x{b._shape[1]})");
        int n = _shape[0], k = _shape[1], m = b._shape[1];
        var y = Uninitialized([n, m], Device);
        DeviceBuffer ab = Contiguous0(), bb = b.Contiguous0();
        Backend.Gemm(new GemmParams(n, m, k), ab, bb, y.Buffer);
        var a = this;
        return Record(y, "MmBackward0", [a, b], g =>
        {
            var gb = g.Contiguous0();
            Tensor? ga = null, gbOut = null;
            if (a.RequiresGrad)
            {
                ga = Uninitialized([n, k], a.Device); // g (n, m) @ bᵀ (m, k)
                a.Backend.Gemm(new GemmParams(n, k, m, TransB: true), gb, bb, ga.Buffer);
            }
            if (b.RequiresGrad)
            {
                gbOut = Uninitialized([k, m], a.Device); // aᵀ (k, n) @ g (n, m)
                a.Backend.Gemm(new GemmParams(k, m, n, TransA: true), ab, gb, gbOut.Buffer);
            }
            return [ga, gbOut];
        });
    }
}
