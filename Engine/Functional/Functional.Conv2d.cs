using ConvEngine.Kernels;

namespace ConvEngine;

/// <summary>
/// Stateless operations, PyTorch's <c>torch.nn.functional</c>: <c>using F = ConvEngine.Functional;</c> then
/// <c>F.Conv2d(x, w, b, stride: 2, padding: (2, 1))</c>. Each op family's forward and backward sit side by
/// side in one file.
/// </summary>
public static partial class Functional
{
    /// <summary>
    /// 2-D cross-correlation of a matrix with a kernel (d2l's <c>corr2d</c>), no padding, stride 1.
    /// </summary>
    /// <param name="input">(H, W)</param>
    /// <param name="kernel">(h, w)</param>
    /// <returns>(H − h + 1, W − w + 1)</returns>
    public static Tensor Corr2d(Tensor input, Tensor kernel)
    {
        if (input.Dim != 2 || kernel.Dim != 2)
            throw new ConvEngineException($"corr2d expects a 2-D input and a 2-D kernel, but got input of size {input.Shape} and kernel of size {kernel.Shape}");
        var x = input.Reshape(1, 1, input.Size(0), input.Size(1));
        var k = kernel.Reshape(1, 1, kernel.Size(0), kernel.Size(1));
        var y = Conv2d(x, k);
        return y.Reshape(y.Size(2), y.Size(3));
    }

    /// <summary>
    /// 2-D convolution (cross-correlation) with zero padding, as <c>F.conv2d</c> (dilation 1, groups 1).
    /// </summary>
    /// <param name="input">(N, C, H, W), or (C, H, W) unbatched</param>
    /// <param name="weight">(O, C, KH, KW)</param>
    /// <param name="bias">(O) or null</param>
    /// <param name="stride">step between windows; default 1</param>
    /// <param name="padding">zeros added on each side; default 0</param>
    /// <returns>(N, O, OH, OW) with OH = (H + 2·PH − KH) / SH + 1</returns>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Pair? stride = null, Pair? padding = null)
    {
        Tensor.CheckSameDevice(weight, input, bias);
        if (input.Dim == 3) return Conv2d(input.Unsqueeze(0), weight, bias, stride, padding).Squeeze(0);
        var p = Conv2dParams.Create(input.ShapeArray, weight.ShapeArray, bias?.ShapeArray,
            (stride ?? 1).ToTuple(), (padding ?? 0).ToTuple());
        var backend = input.Backend;
        DeviceBuffer x = input.Contiguous0(), w = weight.Contiguous0();
        var y = Tensor.Uninitialized([p.N, p.O, p.OH, p.OW], input.Device);
        backend.Conv2dForward(p, x, w, bias?.Contiguous0(), y.Buffer);

        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        return Tensor.Record(y, "ConvolutionBackward0", inputs, g =>
        {
            var gy = g.Contiguous0();
            Tensor? gx = null, gw = null, gb = null;
            if (input.RequiresGrad)
            {
                gx = Tensor.Uninitialized([p.N, p.C, p.H, p.W], input.Device);
                backend.Conv2dBackwardInput(p, gy, w, gx.Buffer);
            }
            if (weight.RequiresGrad || bias is { RequiresGrad: true })
            {
                gw = Tensor.Uninitialized([p.O, p.C, p.KH, p.KW], input.Device);
                gb = bias is null ? null : Tensor.Uninitialized([p.O], input.Device);
                backend.Conv2dBackwardWeight(p, x, gy, gw.Buffer, gb?.Buffer);
            }
            return bias is null ? [gx, gw] : [gx, gw, gb];
        });
    }
}
