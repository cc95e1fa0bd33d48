using ConvEngine.Kernels;

namespace ConvEngine;

// The fully connected layer, forward and backward side by side: one GEMM each way.
public static partial class Functional
{
    /// <summary>y = x·Wᵀ + b, as <c>F.linear</c>.</summary>
    /// <param name="input">(*, in)</param>
    /// <param name="weight">(out, in)</param>
    /// <param name="bias">(out) or null</param>
    /// <returns>(*, out)</returns>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        Tensor.CheckSameDevice(weight, input, bias);
        if (weight.Dim != 2) throw new ConvEngineException($"linear expects a 2-D weight, but got weight of size {weight.Shape}");
        if (input.Dim == 0) throw new ConvEngineException("linear expects an input of at least 1 dimension, but got a scalar");
        int inFeatures = weight.Size(1), outFeatures = weight.Size(0);
        int rows = Shapes.Numel(input.ShapeArray.AsSpan(0, input.Dim - 1)); // every leading dimension, even when In is 0
        if (input.Size(-1) != inFeatures)
            throw new ConvEngineException(
                $"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.Size(-1)} and {inFeatures}x{outFeatures})");
        if (bias is not null && bias.Dim != 1)
            throw new ConvEngineException($"linear expects a 1-D bias of size [{outFeatures}], but got bias of size {bias.Shape}");
        if (bias is not null && bias.Size(0) != outFeatures) // PyTorch's texts: addmm expands the bias to (rows, out); a vector input adds it
            throw new ConvEngineException(input.Dim == 1
                ? $"The size of tensor a ({outFeatures}) must match the size of tensor b ({bias.Size(0)}) at non-singleton dimension 0"
                : $"The expanded size of the tensor ({outFeatures}) must match the existing size ({bias.Size(0)}) at non-singleton dimension 1.  Target sizes: [{rows}, {outFeatures}].  Tensor sizes: {bias.Shape}");

        var backend = input.Backend;
        DeviceBuffer x = input.Contiguous0(), w = weight.Contiguous0();
        var outShape = input.ShapeArray[..^1].Append(outFeatures).ToArray();
        var y = Tensor.Uninitialized(outShape, input.Device);
        if (bias is not null) // every row starts as the bias, then GEMM accumulates with β = 1
            backend.Copy(new StridedView(bias.Buffer, bias.Offset, [rows, outFeatures], [0, bias.StrideArray[0]]),
                StridedView.Contiguous(y.Buffer, [rows, outFeatures]));
        backend.Gemm(new GemmParams(rows, outFeatures, inFeatures, TransB: true, Beta: bias is null ? 0f : 1f), x, w, y.Buffer);

        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        return Tensor.Record(y, "AddmmBackward0", inputs, g =>
        {
            var gy = g.Contiguous0();
            Tensor? gx = null, gw = null, gb = null;
            if (input.RequiresGrad)
            {
                gx = Tensor.Uninitialized(input.ShapeArray, input.Device); // g (rows, out) @ W (out, in)
                backend.Gemm(new GemmParams(rows, inFeatures, outFeatures), gy, w, gx.Buffer);
            }
            if (weight.RequiresGrad)
            {
                gw = Tensor.Uninitialized([outFeatures, inFeatures], input.Device); // gᵀ (out, rows) @ x (rows, in)
                backend.Gemm(new GemmParams(outFeatures, inFeatures, rows, TransA: true), gy, x, gw.Buffer);
            }
            if (bias is { RequiresGrad: true })
            {
                gb = Tensor.Uninitialized([outFeatures], input.Device);
                backend.ReduceSum(new ReduceParams(1, rows, outFeatures), gy, gb.Buffer);
            }
            return bias is null ? [gx, gw] : [gx, gw, gb];
        });
    }
}
