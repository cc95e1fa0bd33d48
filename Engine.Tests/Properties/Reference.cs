namespace ConvEngine.Tests.Properties;

/// <summary>A row-major array of doubles with its shape: the reference implementations' tensors.</summary>
public sealed record Nd(int[] Shape, double[] Values)
{
    /// <summary>Zeros of <paramref name="shape"/>.</summary>
    public static Nd Zeros(params int[] shape) => new(shape, new double[Count(shape)]);

    /// <summary>Product of the dimensions.</summary>
    public static int Count(int[] shape) => shape.Aggregate(1, (a, d) => a * d);

    /// <summary>Row-major strides of <paramref name="shape"/>.</summary>
    public static int[] Strides(int[] shape)
    {
        var s = new int[shape.Length];
        for (int d = shape.Length - 1, step = 1; d >= 0; step *= shape[d], d--) s[d] = step;
        return s;
    }

    /// <summary>The multi-index of flat position <paramref name="flat"/>.</summary>
    public static int[] Unravel(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }
}

/// <summary>
/// Straightforward loops, in double, for every op family the property tests drive: what the CPU backend's
/// optimised kernels are compared with. Each backward takes the upstream gradient <c>g</c> of the output.
/// Layouts as PyTorch: conv input (N, C, H, W), weight (O, C, KH, KW); pooling windows over (H, W).
/// </summary>
public static class Reference
{
    // ---- convolution ------------------------------------------------------------------------------------------

    /// <summary>Forward and the three gradients of a 2-D convolution (zero padding) for output gradient g.</summary>
    public static (Nd Y, Nd Dx, Nd Dw, Nd? Db) Conv2d(Nd x, Nd w, Nd? b, (int H, int W) s, (int H, int W) p, Func<int[], Nd> g)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int o = w.Shape[0], kh = w.Shape[2], kw = w.Shape[3];
        int oh = (h + 2 * p.H - kh) / s.H + 1, ow = (wd + 2 * p.W - kw) / s.W + 1;
        var y = Nd.Zeros(n, o, oh, ow);
        var gy = g(y.Shape);
        var (dx, dw) = (Nd.Zeros(x.Shape), Nd.Zeros(w.Shape));
        var db = b is null ? null : Nd.Zeros(o);
        for (int ni = 0; ni < n; ni++)
        for (int oi = 0; oi < o; oi++)
        for (int yi = 0; yi < oh; yi++)
        for (int xi = 0; xi < ow; xi++)
        {
            int at = ((ni * o + oi) * oh + yi) * ow + xi;
            double sum = b?.Values[oi] ?? 0, grad = gy.Values[at];
            if (db is not null) db.Values[oi] += grad;
            for (int ci = 0; ci < c; ci++)
            for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                int r = yi * s.H - p.H + ky, col = xi * s.W - p.W + kx;
                if (r < 0 || r >= h || col < 0 || col >= wd) continue;
                int xAt = ((ni * c + ci) * h + r) * wd + col, wAt = ((oi * c + ci) * kh + ky) * kw + kx;
                sum += x.Values[xAt] * w.Values[wAt];
                dx.Values[xAt] += grad * w.Values[wAt];
                dw.Values[wAt] += grad * x.Values[xAt];
            }
            y.Values[at] = sum;
        }
        return (y, dx, dw, db);
    }

    // ---- pooling ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Max or average pooling (N, C, H, W) → (N, C, OH, OW), floor sizes, and the input's gradient. Max: padding
    /// never wins, ties go to the first maximum in row-major order, which takes the gradient. Average: the divisor
    /// is KH·KW, padded zeros included.
    /// </summary>
    public static (Nd Y, Nd Dx) Pool2d(bool max, Nd x, (int H, int W) k, (int H, int W) s, (int H, int W) p, Func<int[], Nd> g)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int oh = (int)Math.Floor((h + 2.0 * p.H - k.H) / s.H) + 1, ow = (int)Math.Floor((wd + 2.0 * p.W - k.W) / s.W) + 1;
        var y = Nd.Zeros(n, c, oh, ow);
        var gy = g(y.Shape);
        var dx = Nd.Zeros(x.Shape);
        for (int plane = 0; plane < n * c; plane++)
        for (int yi = 0; yi < oh; yi++)
        for (int xi = 0; xi < ow; xi++)
        {
            int at = (plane * oh + yi) * ow + xi;
            double best = double.NegativeInfinity, sum = 0;
            int bestAt = -1;
            var inside = new List<int>();
            for (int ky = 0; ky < k.H; ky++)
            for (int kx = 0; kx < k.W; kx++)
            {
                int r = yi * s.H - p.H + ky, col = xi * s.W - p.W + kx;
                if (r < 0 || r >= h || col < 0 || col >= wd) continue;
                int xAt = (plane * h + r) * wd + col;
                inside.Add(xAt);
                sum += x.Values[xAt];
                if (x.Values[xAt] > best) (best, bestAt) = (x.Values[xAt], xAt);
            }
            if (max)
            {
                y.Values[at] = best;
                dx.Values[bestAt] += gy.Values[at];
            }
            else
            {
                y.Values[at] = sum / (k.H * k.W);
                foreach (int xAt in inside) dx.Values[xAt] += gy.Values[at] / (k.H * k.W);
            }
        }
        return (y, dx);
    }

    // ---- matrix products --------------------------------------------------------------------------------------

    /// <summary>(M, K) · (K, N) and both gradients for output gradient g (M, N).</summary>
    public static (Nd Y, Nd Da, Nd Db) Matmul2d(Nd a, Nd b, Func<int[], Nd> g)
    {
        int m = a.Shape[0], k = a.Shape[1], n = b.Shape[1];
        var y = Nd.Zeros(m, n);
        var gy = g(y.Shape);
        var (da, db) = (Nd.Zeros(a.Shape), Nd.Zeros(b.Shape));
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        for (int t = 0; t < k; t++)
        {
            y.Values[i * n + j] += a.Values[i * k + t] * b.Values[t * n + j];
            da.Values[i * k + t] += gy.Values[i * n + j] * b.Values[t * n + j];
            db.Values[t * n + j] += gy.Values[i * n + j] * a.Values[i * k + t];
        }
        return (y, da, db);
    }

    // ---- element-wise -----------------------------------------------------------------------------------------

    /// <summary>The broadcast shape of a and b (NumPy rules), or null when they clash.</summary>
    public static int[]? BroadcastShape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)], db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1) return null;
            shape[i] = da == 1 ? db : da;
        }
        return shape;
    }

    // The flat position in an operand of shape `shape` that output index `index` (of a higher or equal rank) reads.
    private static int Source(int[] index, int[] shape)
    {
        int flat = 0, lead = index.Length - shape.Length;
        for (int d = 0; d < shape.Length; d++) flat = flat * shape[d] + (shape[d] == 1 ? 0 : index[lead + d]);
        return flat;
    }

    /// <summary>
    /// A broadcasting binary op: f gives the value and the two partial derivatives at (a, b); the gradients are
    /// summed over the dimensions each operand was stretched along.
    /// </summary>
    public static (Nd Y, Nd Da, Nd Db) Binary(Nd a, Nd b, Func<double, double, (double F, double DfDa, double DfDb)> f, Func<int[], Nd> g)
    {
        var shape = BroadcastShape(a.Shape, b.Shape)!;
        var y = Nd.Zeros(shape);
        var gy = g(shape);
        var (da, db) = (Nd.Zeros(a.Shape), Nd.Zeros(b.Shape));
        for (int i = 0; i < y.Values.Length; i++)
        {
            var index = Nd.Unravel(i, shape);
            int ia = Source(index, a.Shape), ib = Source(index, b.Shape);
            var (value, dfa, dfb) = f(a.Values[ia], b.Values[ib]);
            y.Values[i] = value;
            da.Values[ia] += gy.Values[i] * dfa;
            db.Values[ib] += gy.Values[i] * dfb;
        }
        return (y, da, db);
    }

    /// <summary>An element-wise function; f gives the value and the derivative at x.</summary>
    public static (Nd Y, Nd Dx) Unary(Nd x, Func<double, (double F, double Df)> f, Func<int[], Nd> g)
    {
        var y = Nd.Zeros(x.Shape);
        var gy = g(x.Shape);
        var dx = Nd.Zeros(x.Shape);
        for (int i = 0; i < x.Values.Length; i++)
        {
            var (value, df) = f(x.Values[i]);
            y.Values[i] = value;
            dx.Values[i] = gy.Values[i] * df;
        }
        return (y, dx);
    }

    // ---- reductions -------------------------------------------------------------------------------------------

    /// <summary>
    /// Sum, mean or max along <paramref name="dim"/> (null: over everything) with the input's gradient. Max along a
    /// dimension sends the gradient to the first maximum; max over everything shares it among the tied maxima.
    /// </summary>
    public static (Nd Y, Nd Dx, Nd? Indices) Reduce(string kind, Nd x, int? dim, bool keepDim, Func<int[], Nd> g)
    {
        int rank = x.Shape.Length;
        // (outer, axis, inner) around the reduced dimension; everything is (1, numel, 1).
        int outer = 1, axis = x.Values.Length, inner = 1;
        int[] outShape = [];
        if (dim is int d && rank > 0)
        {
            (outer, axis, inner) = (x.Shape[..d].Aggregate(1, (p, v) => p * v), x.Shape[d], x.Shape[(d + 1)..].Aggregate(1, (p, v) => p * v));
            outShape = keepDim ? x.Shape.Select((v, i) => i == d ? 1 : v).ToArray() : x.Shape.Where((_, i) => i != d).ToArray();
        }
        var y = Nd.Zeros(outShape);
        var indices = kind == "max" && dim is not null ? Nd.Zeros(outShape) : null;
        var gy = g(outShape);
        var dx = Nd.Zeros(x.Shape);
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            int at = o * inner + i;
            var positions = Enumerable.Range(0, axis).Select(a => (o * axis + a) * inner + i).ToArray();
            var values = positions.Select(q => x.Values[q]).ToArray();
            if (kind == "max")
            {
                double best = values.Max();
                y.Values[at] = best;
                int first = Array.IndexOf(values, best);
                if (indices is not null)
                {
                    indices.Values[at] = first;
                    dx.Values[positions[first]] += gy.Values[at];
                }
                else
                {
                    var ties = positions.Where(q => x.Values[q] == best).ToArray();
                    foreach (int q in ties) dx.Values[q] += gy.Values[at] / ties.Length;
                }
            }
            else
            {
                double scale = kind == "mean" ? 1.0 / axis : 1.0;
                y.Values[at] = values.Sum() * scale;
                if (kind == "mean" && axis == 0) y.Values[at] = double.NaN;
                foreach (int q in positions) dx.Values[q] += gy.Values[at] * scale;
            }
        }
        return (y, dx, indices);
    }

    // ---- softmax and losses -----------------------------------------------------------------------------------

    /// <summary>log softmax along <paramref name="dim"/> and its input gradient: gx = g − exp(y)·Σg.</summary>
    public static (Nd Y, Nd Dx) LogSoftmax(Nd x, int dim, Func<int[], Nd> g)
    {
        var shape = x.Shape.Length == 0 ? new[] { 1 } : x.Shape;
        int outer = shape[..dim].Aggregate(1, (p, v) => p * v), axis = shape[dim], inner = shape[(dim + 1)..].Aggregate(1, (p, v) => p * v);
        var y = Nd.Zeros(x.Shape);
        var gy = g(x.Shape);
        var dx = Nd.Zeros(x.Shape);
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            var positions = Enumerable.Range(0, axis).Select(a => (o * axis + a) * inner + i).ToArray();
            if (axis == 0) continue;
            double max = positions.Max(q => x.Values[q]);
            double logSum = max + Math.Log(positions.Sum(q => Math.Exp(x.Values[q] - max)));
            double gSum = positions.Sum(q => gy.Values[q]);
            foreach (int q in positions)
            {
                y.Values[q] = x.Values[q] - logSum;
                dx.Values[q] = gy.Values[q] - Math.Exp(y.Values[q]) * gSum;
            }
        }
        return (y, dx);
    }

    /// <summary>
    /// Cross-entropy of logits (N, C) against class indices, mean or sum over the batch, and the logits' gradient
    /// for a loss gradient g: (softmax − one-hot)·g, divided by N for the mean. The mean of no rows is NaN.
    /// </summary>
    public static (Nd Loss, Nd Dx) CrossEntropy(Nd logits, int[] targets, bool mean, double g)
    {
        var (logProbs, _) = LogSoftmax(logits, 1, s => Nd.Zeros(s));
        int n = logits.Shape[0], c = logits.Shape[1];
        double scale = mean ? 1.0 / n : 1.0;
        double loss = 0;
        var dx = Nd.Zeros(logits.Shape);
        for (int r = 0; r < n; r++)
        {
            loss -= logProbs.Values[r * c + targets[r]];
            for (int j = 0; j < c; j++)
                dx.Values[r * c + j] = (Math.Exp(logProbs.Values[r * c + j]) - (j == targets[r] ? 1 : 0)) * scale * g;
        }
        return (new Nd([], [mean && n == 0 ? double.NaN : loss * scale]), dx);
    }
}
