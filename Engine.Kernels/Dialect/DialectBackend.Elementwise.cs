using ConvEngine.Kernels.KernelSources;

namespace ConvEngine.Kernels.Dialect;

// Element-wise ops (elementwise.k): fill, strided copy, unary functions and derivatives, broadcasting binary ops.
// Views are merged (StridedArgs) before launching, so contiguous views take the plain one-run kernels.
public abstract partial class DialectBackend
{
    private const string Elementwise = "elementwise";

    // The ops unary_derivative in elementwise.k knows; the others have no derivative kernel, as on the CPU.
    private static readonly HashSet<UnaryOp> Differentiable =
        [UnaryOp.Sigmoid, UnaryOp.Tanh, UnaryOp.Relu, UnaryOp.Exp, UnaryOp.Log, UnaryOp.Sqrt, UnaryOp.Abs, UnaryOp.PowScalar];

    /// <inheritdoc/>
    public void Fill(DeviceBuffer dst, int offset, int count, float value)
    {
        var buffer = Own(dst);
        CheckRange(buffer, offset, count);
        if (count > 0) FillMemory(buffer, offset, count, value);
    }

    /// <inheritdoc/>
    public void Copy(in StridedView src, in StridedView dst)
    {
        DeviceBuffer from = Own(src.Buffer), to = Own(dst.Buffer);
        if (src.Count == 0) return;
        if (ReferenceEquals(from, to) && Overlap(src, dst))
        {
            // Work-items would read elements others already wrote: go through a temporary copy.
            using var temp = NewBuffer(src.Count);
            var staged = StridedView.Contiguous(temp, src.Shape);
            Copy(src, staged);
            Copy(staged, dst);
            return;
        }
        var (shape, layouts) = StridedArgs.Merge(src.Shape, src, dst);
        if (StridedArgs.IsOneRun(shape, layouts))
            CopyMemory(from, src.Offset, to, dst.Offset, shape.Count);
        else
            LaunchLinear(Elementwise, "copy_strided", shape.Count,
                KernelArg.Buffer(from), KernelArg.Buffer(to), KernelArg.Value(shape), KernelArg.Value(layouts[0]), KernelArg.Value(layouts[1]));
    }

    /// <inheritdoc/>
    public void Unary(UnaryOp op, DeviceBuffer x, DeviceBuffer y, int n, float scalar = 0f)
    {
        if (!Enum.IsDefined(op)) throw new ConvEngineException($"unary op {op} is not supported on {Name}");
        LaunchLinear(Elementwise, "unary", n, KernelArg.Buffer(Own(x)), KernelArg.Buffer(Own(y)), n, (int)op, scalar);
    }

    /// <inheritdoc/>
    public void UnaryBackward(UnaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, int n, float scalar = 0f)
    {
        if (!Differentiable.Contains(op)) throw new ConvEngineException($"unary op {op} has no derivative kernel");
        LaunchLinear(Elementwise, "unary_backward", n, KernelArg.Buffer(Own(x)), KernelArg.Buffer(Own(y)),
            KernelArg.Buffer(Own(gy)), KernelArg.Buffer(Own(gx)), n, (int)op, scalar);
    }

    /// <inheritdoc/>
    public void Binary(BinaryOp op, in StridedView a, in StridedView b, in StridedView dst)
    {
        if (!Enum.IsDefined(op)) throw new ConvEngineException($"binary op {op} is not supported on {Name}");
        DeviceBuffer ab = Own(a.Buffer), bb = Own(b.Buffer), db = Own(dst.Buffer);
        var (shape, l) = StridedArgs.Merge(dst.Shape, a, b, dst);
        if (StridedArgs.IsOneRun(shape, l))
            LaunchLinear(Elementwise, "binary_contiguous", shape.Count, KernelArg.Buffer(ab), a.Offset, KernelArg.Buffer(bb), b.Offset,
                KernelArg.Buffer(db), dst.Offset, shape.Count, (int)op);
        else
            LaunchLinear(Elementwise, "binary_strided", shape.Count, KernelArg.Buffer(ab), KernelArg.Buffer(bb), KernelArg.Buffer(db),
                KernelArg.Value(shape), KernelArg.Value(l[0]), KernelArg.Value(l[1]), KernelArg.Value(l[2]), (int)op);
    }

    /// <summary>Whether two views of one buffer may share an element: their [lowest, highest] element ranges meet.</summary>
    private static bool Overlap(in StridedView a, in StridedView b)
    {
        static (long Low, long High) Extent(in StridedView v)
        {
            long low = v.Offset, high = v.Offset;
            for (int d = 0; d < v.Shape.Length; d++)
            {
                long reach = (long)v.Strides[d] * (v.Shape[d] - 1);
                if (reach < 0) low += reach;
                else high += reach;
            }
            return (low, high);
        }
        var (ea, eb) = (Extent(a), Extent(b));
        return ea.Low <= eb.High && eb.Low <= ea.High;
    }
}
