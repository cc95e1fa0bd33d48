using System.Numerics.Tensors;
using ConvEngine.Kernels.Cpu.Kernels;

namespace ConvEngine.Kernels.Cpu;

// Element-wise ops: fill, strided copy, unary functions and their derivatives, broadcasting binary ops.
public sealed partial class CpuBackend
{
    /// <inheritdoc/>
    public void Fill(DeviceBuffer dst, int offset, int count, float value) =>
        Data(dst).AsSpan(offset, count).Fill(value);

    /// <inheritdoc/>
    public void Copy(in StridedView src, in StridedView dst)
    {
        float[] s = Data(src.Buffer), d = Data(dst.Buffer);
        if (src.IsContiguous && dst.IsContiguous)
        {
            s.AsSpan(src.Offset, src.Count).CopyTo(d.AsSpan(dst.Offset));
            return;
        }
        var (srcView, dstView) = (src, dst);
        StridedLoop.ForEach(src.Shape, (ReadOnlySpan<int> index, int row, int rowLength) =>
        {
            int si = StridedLoop.OffsetOf(srcView, index), di = StridedLoop.OffsetOf(dstView, index);
            int ss = srcView.Strides[^1], ds = dstView.Strides[^1];
            for (int k = 0; k < rowLength; k++) d[di + k * ds] = s[si + k * ss];
        });
    }

    /// <inheritdoc/>
    public void Unary(UnaryOp op, DeviceBuffer x, DeviceBuffer y, int n, float scalar = 0f)
    {
        float[] xs = Data(x), ys = Data(y);
        Chunks.For(n, (start, length) => UnaryChunk(op, xs.AsSpan(start, length), ys.AsSpan(start, length), scalar));
    }

    private static void UnaryChunk(UnaryOp op, ReadOnlySpan<float> xs, Span<float> ys, float scalar)
    {
        switch (op)
        {
            case UnaryOp.Neg: TensorPrimitives.Negate(xs, ys); break;
            case UnaryOp.Exp: TensorPrimitives.Exp(xs, ys); break;
            case UnaryOp.Log: TensorPrimitives.Log(xs, ys); break;
            case UnaryOp.Sqrt: TensorPrimitives.Sqrt(xs, ys); break;
            case UnaryOp.Abs: TensorPrimitives.Abs(xs, ys); break;
            case UnaryOp.Sigmoid: ElementwiseKernels.Sigmoid(xs, ys); break;
            case UnaryOp.Tanh: TensorPrimitives.Tanh(xs, ys); break;
            case UnaryOp.Relu: TensorPrimitives.Max(xs, 0f, ys); break; // Max propagates NaN, as PyTorch's relu does
            case UnaryOp.AddScalar: TensorPrimitives.Add(xs, scalar, ys); break;
            case UnaryOp.MulScalar: TensorPrimitives.Multiply(xs, scalar, ys); break;
            case UnaryOp.PowScalar:
                if (scalar == 2f) TensorPrimitives.Multiply(xs, xs, ys);
                else TensorPrimitives.Pow(xs, scalar, ys);
                break;
            case UnaryOp.NonFinite:
                for (int i = 0; i < xs.Length; i++) ys[i] = float.IsFinite(xs[i]) ? 0f : 1f;
                break;
            default: throw new ConvEngineException($"unary op {op} is not supported on cpu");
        }
    }

    /// <inheritdoc/>
    public void UnaryBackward(UnaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, int n, float scalar = 0f)
    {
        float[] xs = Data(x), ys = Data(y), g = Data(gy), o = Data(gx);
        Chunks.For(n, (start, length) => UnaryBackwardChunk(op, xs.AsSpan(start, length), ys.AsSpan(start, length),
            g.AsSpan(start, length), o.AsSpan(start, length), scalar));
    }

    private static void UnaryBackwardChunk(UnaryOp op, ReadOnlySpan<float> xs, ReadOnlySpan<float> ys, ReadOnlySpan<float> g, Span<float> o, float scalar)
    {
        switch (op)
        {
            case UnaryOp.Sigmoid: ElementwiseKernels.SigmoidBackward(ys, g, o); break;
            case UnaryOp.Tanh: ElementwiseKernels.TanhBackward(ys, g, o); break;
            case UnaryOp.Relu: ElementwiseKernels.ReluBackward(xs, g, o); break;
            case UnaryOp.Exp: TensorPrimitives.Multiply(g, ys, o); break;
            case UnaryOp.Log: TensorPrimitives.Divide(g, xs, o); break;
            case UnaryOp.Sqrt: for (int i = 0; i < o.Length; i++) o[i] = g[i] * 0.5f / ys[i]; break;
            case UnaryOp.Abs: for (int i = 0; i < o.Length; i++) o[i] = g[i] * MathF.Sign(xs[i]); break;
            case UnaryOp.PowScalar:
                for (int i = 0; i < o.Length; i++) o[i] = g[i] * scalar * MathF.Pow(xs[i], scalar - 1f);
                break;
            default: throw new ConvEngineException($"unary op {op} has no derivative kernel");
        }
    }

    /// <inheritdoc/>
    public void Binary(BinaryOp op, in StridedView a, in StridedView b, in StridedView dst)
    {
        float[] av = Data(a.Buffer), bv = Data(b.Buffer), dv = Data(dst.Buffer);
        int n = dst.Count;
        if (a.IsContiguous && b.IsContiguous && dst.IsContiguous)
        {
            var (ao, bo, d0) = (a.Offset, b.Offset, dst.Offset);
            Chunks.For(n, (start, length) =>
                BinaryRow(op, av.AsSpan(ao + start, length), 1, bv.AsSpan(bo + start, length), 1, dv.AsSpan(d0 + start, length)));
            return;
        }
        var (aView, bView, dView) = (a, b, dst);
        StridedLoop.ForEach(dst.Shape, (ReadOnlySpan<int> index, int row, int rowLength) =>
        {
            int ai = StridedLoop.OffsetOf(aView, index), bi = StridedLoop.OffsetOf(bView, index), di = StridedLoop.OffsetOf(dView, index);
            int sa = aView.Strides[^1], sb = bView.Strides[^1];
            Span<float> outRow = dView.Strides[^1] == 1 ? dv.AsSpan(di, rowLength) : default;
            if (outRow.Length == rowLength && (sa <= 1) && (sb <= 1))
            {
                BinaryRow(op, av.AsSpan(ai, sa == 0 ? 1 : rowLength), sa, bv.AsSpan(bi, sb == 0 ? 1 : rowLength), sb, outRow);
                return;
            }
            int ds = dView.Strides[^1];
            for (int k = 0; k < rowLength; k++) dv[di + k * ds] = Apply(op, av[ai + k * sa], bv[bi + k * sb]);
        });
    }

    // One output row; a stride of 0 means that operand is a single broadcast value.
    private static void BinaryRow(BinaryOp op, ReadOnlySpan<float> a, int sa, ReadOnlySpan<float> b, int sb, Span<float> y)
    {
        if (sa == 1 && sb == 1)
        {
            switch (op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(a, b, y); return;
                case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, y); return;
                case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, y); return;
                case BinaryOp.Div: TensorPrimitives.Divide(a, b, y); return;
            }
        }
        else if (sa == 1 && sb == 0)
        {
            switch (op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(a, b[0], y); return;
                case BinaryOp.Sub: TensorPrimitives.Subtract(a, b[0], y); return;
                case BinaryOp.Mul: TensorPrimitives.Multiply(a, b[0], y); return;
                case BinaryOp.Div: TensorPrimitives.Divide(a, b[0], y); return;
            }
        }
        for (int k = 0; k < y.Length; k++) y[k] = Apply(op, a[k * sa], b[k * sb]);
    }

    private static float Apply(BinaryOp op, float a, float b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Pow => MathF.Pow(a, b),
        BinaryOp.Maximum => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : MathF.Max(a, b),
        BinaryOp.Minimum => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : MathF.Min(a, b),
        BinaryOp.Eq => a == b ? 1f : 0f,
        BinaryOp.Gt => a > b ? 1f : 0f,
        BinaryOp.Lt => a < b ? 1f : 0f,
        BinaryOp.Ge => a >= b ? 1f : 0f,
        _ => throw new ConvEngineException($"binary op {op} is not supported on cpu"),
    };
}
