using ConvEngine.Kernels;

namespace ConvEngine;

// Element-wise arithmetic with NumPy/PyTorch broadcasting, forward and backward side by side.
// The backward of a broadcast operand sums the gradient over the dimensions it was stretched along.
public sealed partial class Tensor
{
    /// <summary>this + <paramref name="other"/> element-wise; the operands broadcast to a common shape, the result's (e.g. (2, 3) with (3) gives (2, 3)).</summary>
    public Tensor Add(Tensor other) => BinaryOp_(BinaryOp.Add, other, "AddBackward0",
        (g, a, b) => (g, g));

    /// <summary>this − <paramref name="other"/> element-wise; the operands broadcast to a common shape, the result's (e.g. (2, 3) with (3) gives (2, 3)).</summary>
    public Tensor Sub(Tensor other) => BinaryOp_(BinaryOp.Sub, other, "SubBackward0",
        (g, a, b) => (g, b.RequiresGrad ? -g : null));

    /// <summary>this · <paramref name="other"/> element-wise; the operands broadcast to a common shape, the result's (e.g. (2, 3) with (3) gives (2, 3)).</summary>
    public Tensor Mul(Tensor other) => BinaryOp_(BinaryOp.Mul, other, "MulBackward0",
        (g, a, b) => (a.RequiresGrad ? g * b : null, b.RequiresGrad ? g * a : null));

    /// <summary>this / <paramref name="other"/> element-wise; the operands broadcast to a common shape, the result's (e.g. (2, 3) with (3) gives (2, 3)).</summary>
    public Tensor Div(Tensor other) => BinaryOp_(BinaryOp.Div, other, "DivBackward0",
        (g, a, b) => (a.RequiresGrad ? g / b : null, b.RequiresGrad ? -g * a / (b * b) : null));

    /// <summary>this ^ <paramref name="exponent"/> element-wise; the operands broadcast to a common shape, the result's (e.g. (2, 3) with (3) gives (2, 3)).</summary>
    public Tensor Pow(Tensor exponent) => BinaryOp_(BinaryOp.Pow, exponent, "PowBackward1",
        (g, a, b) => (a.RequiresGrad ? g * b * a.Pow(b - 1f) : null, b.RequiresGrad ? g * a.Pow(b) * a.Log() : null));

    /// <summary>Element-wise max(this, <paramref name="other"/>), broadcast as <see cref="Add"/>; the gradient goes to the larger (split evenly on ties).</summary>
    public Tensor Maximum(Tensor other) => BinaryOp_(BinaryOp.Maximum, other, "MaximumBackward0",
        (g, a, b) => MinMaxGrads(g, a, b, BinaryOp.Gt));

    /// <summary>Element-wise min(this, <paramref name="other"/>), broadcast as <see cref="Add"/>; the gradient goes to the smaller (split evenly on ties).</summary>
    public Tensor Minimum(Tensor other) => BinaryOp_(BinaryOp.Minimum, other, "MinimumBackward0",
        (g, a, b) => MinMaxGrads(g, a, b, BinaryOp.Lt));

    private static (Tensor?, Tensor?) MinMaxGrads(Tensor g, Tensor a, Tensor b, BinaryOp wins)
    {
        var aWins = a.Compare(wins, b);
        var tie = a.Compare(BinaryOp.Eq, b) * 0.5f;
        return (g * (aWins + tie), g * (1f - aWins - tie));
    }

    /// <summary>1 where this == <paramref name="other"/>, else 0, in the broadcast shape (no gradient).</summary>
    public Tensor Eq(Tensor other) => Compare(BinaryOp.Eq, other);

    /// <summary>1 where this &gt; <paramref name="other"/>, else 0, in the broadcast shape (no gradient).</summary>
    public Tensor Gt(Tensor other) => Compare(BinaryOp.Gt, other);

    /// <summary>1 where this &lt; <paramref name="other"/>, else 0, in the broadcast shape (no gradient).</summary>
    public Tensor Lt(Tensor other) => Compare(BinaryOp.Lt, other);

    private Tensor Compare(BinaryOp op, Tensor other) => Broadcasting(op, this, other);

    /// <summary>a + s for every element; the shape of a.</summary>
    public static Tensor operator +(Tensor a, float s) => a.Affine(1f, s, "AddBackward0");
    /// <summary>s + a for every element; the shape of a.</summary>
    public static Tensor operator +(float s, Tensor a) => a + s;
    /// <summary>a − s for every element (computed as a + (−s), which is exact); the shape of a.</summary>
    public static Tensor operator -(Tensor a, float s) => a.Affine(1f, -s, "SubBackward0");
    /// <summary>s − a for every element; the shape of a.</summary>
    public static Tensor operator -(float s, Tensor a) => a.Affine(-1f, s, "RsubBackward1");
    /// <summary>a · s for every element; the shape of a.</summary>
    public static Tensor operator *(Tensor a, float s) => a.Affine(s, 0f, "MulBackward0");
    /// <summary>s · a for every element; the shape of a.</summary>
    public static Tensor operator *(float s, Tensor a) => a * s;
    /// <summary>a / s for every element (true division, as PyTorch computes it); the shape of a.</summary>
    public static Tensor operator /(Tensor a, float s) => a.Div(Scalar(s, a.Device));
    /// <summary>s / a for every element; the shape of a.</summary>
    public static Tensor operator /(float s, Tensor a) => Scalar(s, a.Device).Div(a);
    /// <summary>a + b element-wise (<see cref="Add"/>): the broadcast shape of a and b.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary>a − b element-wise (<see cref="Sub"/>): the broadcast shape of a and b.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary>a · b element-wise (<see cref="Mul"/>): the broadcast shape of a and b.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary>a / b element-wise (<see cref="Div"/>): the broadcast shape of a and b.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary>−a for every element; the shape of a.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();

    // y = x·scale + shift with one rounding per step, as PyTorch's scalar ops; dy/dx = scale.
    internal Tensor Affine(float scale, float shift, string name)
    {
        var y = Uninitialized((int[])_shape.Clone(), Device);
        var x = Contiguous0();
        if (scale != 1f)
        {
            Backend.Unary(scale == -1f ? UnaryOp.Neg : UnaryOp.MulScalar, x, y.Buffer, Numel, scale);
            x = y.Buffer;
        }
        if (shift != 0f || scale == 1f) Backend.Unary(UnaryOp.AddScalar, x, y.Buffer, Numel, shift);
        return Record(y, name, [this], g => [scale == 1f ? g : g * scale]);
    }

    private Tensor BinaryOp_(BinaryOp op, Tensor other, string name, Func<Tensor, Tensor, Tensor, (Tensor?, Tensor?)> backward)
    {
        // A scalar on the CPU (from a float literal) follows the other operand to its device, as in PyTorch.
        if (other.Dim == 0 && !other.Device.Equals(Device)) other = other.To(Device);
        var y = Broadcasting(op, this, other);
        var (a, b) = (this, other);
        return Record(y, name, [a, b], g =>
        {
            var (ga, gb) = backward(g, a, b);
            return [a.RequiresGrad && ga is not null ? SumTo(ga, a._shape) : null,
                    b.RequiresGrad && gb is not null ? SumTo(gb, b._shape) : null];
        });
    }

    private static Tensor Broadcasting(BinaryOp op, Tensor a, Tensor b)
    {
        CheckSameDevice(a, b);
        var shape = BroadcastShapes(a._shape, b._shape);
        var y = Uninitialized(shape, a.Device);
        a.Backend.Binary(op, BroadcastTo(a, shape).Layout, BroadcastTo(b, shape).Layout, y.Layout);
        return y;
    }

    /// <summary>The shape both operands broadcast to, or PyTorch's error naming the clashing sizes.</summary>
    internal static int[] BroadcastShapes(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ConvEngineException( // PyTorch's text, then both shapes
                    $"The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {i}"
                    + $" (a has shape {Shapes.Format(a)}, b has shape {Shapes.Format(b)})");
            shape[i] = da == 1 ? db : da;
        }
        return shape;
    }

    // A stride-0 view of t stretched to shape (no autograd: callers record their own backward).
    private static Tensor BroadcastTo(Tensor t, int[] shape)
    {
        if (t._shape.AsSpan().SequenceEqual(shape)) return t;
        if (t.Dim > shape.Length)
            throw new ConvEngineException(
                $"expand({Shapes.Format(t._shape)}, size={Shapes.Format(shape)}): the number of sizes provided ({shape.Length}) must be greater or equal to the number of dimensions in the tensor ({t.Dim})");
        int lead = shape.Length - t.Dim;
        var strides = new int[shape.Length];
        for (int d = 0; d < shape.Length; d++)
        {
            if (d < lead) continue;
            int size = t._shape[d - lead];
            if (size == shape[d]) strides[d] = t._strides[d - lead];
            else if (size != 1)
                throw new ConvEngineException(
                    $"The expanded size of the tensor ({shape[d]}) must match the existing size ({size}) at non-singleton dimension {d}.  Target sizes: {Shapes.Format(shape)}.  Tensor sizes: {Shapes.Format(t._shape)}");
        }
        return new Tensor(t.Buffer, (int[])shape.Clone(), strides, t.Offset, t.Device);
    }

    /// <summary>This tensor stretched to <paramref name="shape"/> without copying; gradients are summed back.</summary>
    public Tensor Expand(params int[] shape)
    {
        var view = BroadcastTo(this, shape);
        var inShape = _shape;
        return Record(view, "ExpandBackward0", [this], g => [SumTo(g, inShape)]);
    }

    /// <summary>Sums <paramref name="g"/> down to <paramref name="shape"/>, undoing a broadcast.</summary>
    internal static Tensor SumTo(Tensor g, int[] shape)
    {
        if (g._shape.AsSpan().SequenceEqual(shape)) return g;
        var t = g;
        while (t.Dim > shape.Length) t = t.Sum(0);
        for (int d = 0; d < shape.Length; d++)
            if (shape[d] == 1 && t._shape[d] != 1) t = t.Sum(d, keepDim: true);
        return t;
    }
}
