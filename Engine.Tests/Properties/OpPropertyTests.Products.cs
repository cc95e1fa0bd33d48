using FsCheck;
using FsCheck.Fluent;
using F = ConvEngine.Functional;

namespace ConvEngine.Tests.Properties;

// linear and matmul, forward and backward.
public sealed partial class OpPropertyTests
{
    /// <summary>
    /// F.linear(input, weight (Out, In), bias of BiasSize or none), or a @ b when <see cref="Linear"/> is false
    /// (A, B: the operands' shapes; Weight holds (Out, In) for linear).
    /// </summary>
    public sealed record ProductCase(bool Linear, int[] A, int[] B, int? BiasSize, bool Strided, int Seed)
    {
        /// <summary>linear: an input of at least one dimension whose last is In, and a bias of Out elements or none;
        /// matmul: 1-D or 2-D operands (ConvEngine has no batched matmul) with equal inner dimensions.</summary>
        public bool Valid => Linear
            ? A.Length >= 1 && A[^1] == B[1] && (BiasSize is null || BiasSize == B[0])
            : A.Length is 1 or 2 && B.Length is 1 or 2 && A[^1] == B[B.Length == 1 ? 0 : ^2];

        public override string ToString() => Linear
            ? $"linear input {Shapes(A)} weight {Shapes(B)} bias {(BiasSize is int b ? $"[{b}]" : "none")}{(Strided ? " strided" : "")} seed {Seed}"
            : $"matmul {Shapes(A)} @ {Shapes(B)}{(Strided ? " strided" : "")} seed {Seed}";
    }

    private static readonly Gen<int> Dims = Gen.Frequency((8, Gen.Choose(1, 5)), (1, Gen.Constant(0)));

    private static readonly Gen<ProductCase> ProductCases =
        from linear in Gen.Elements(true, false)
        from aRank in Rarely(Gen.Choose(1, 2), Gen.Elements(0, 3))
        from bRank in Rarely(Gen.Choose(1, 2), Gen.Elements(0, 3))
        from m in Dims
        from k in Dims
        from n in Dims
        from k2 in Rarely(Gen.Constant(k), Dims)
        from bias in Rarely(Gen.Elements<int?>(n, null), Dims.Select(b => (int?)b))
        from strided in Gen.Elements(false, true)
        from seed in Seeds
        let a = aRank switch { 0 => Array.Empty<int>(), 1 => [k], 2 => [m, k], _ => [2, m, k] }
        let b = linear ? new[] { n, k2 } : bRank switch { 0 => [], 1 => [k2], 2 => [k2, n], _ => [2, k2, n] }
        select new ProductCase(linear, a, b, linear ? bias : null, strided, seed);

    [Test]
    public void LinearAndMatmul_MatchTheReference_OrRefuse() => Verify(ProductCases, 0x11, c =>
    {
        float[] a = Data(c.A, c.Seed), b = Data(c.B, c.Seed + 1);
        float[]? bias = c.BiasSize is int size ? Data([size], c.Seed + 2) : null;
        Expect(c.Valid,
            device =>
            {
                Tensor at = Leaf(a, c.A, device, c.Strided), bt = Leaf(b, c.B, device, c.Strided);
                var biasT = bias is null ? null : Leaf(bias, [bias.Length], device);
                var y = c.Linear ? F.Linear(at, bt, biasT) : at.Matmul(bt);
                return Outputs(y, ("da", at), ("db", bt), ("dbias", biasT));
            },
            () => c.Linear ? LinearReference(c, a, b, bias) : MatmulReference(c, a, b));
    });

    // y (*, Out) = x (rows, In) · Wᵀ + bias, through the 2-D product with Wᵀ.
    private static Dictionary<string, Nd> LinearReference(ProductCase c, float[] a, float[] b, float[]? bias)
    {
        int outF = c.B[0], inF = c.B[1], rows = Nd.Count(c.A[..^1]);
        int[] outShape = [.. c.A[..^1], outF];
        var wT = Transpose(ToNd(b, c.B));
        var (y, da, dwT) = Reference.Matmul2d(ToNd(a, [rows, inF]), wT, _ => UpstreamNd(outShape) with { Shape = [rows, outF] });
        var result = new Dictionary<string, Nd> { ["y"] = y with { Shape = outShape }, ["da"] = da with { Shape = c.A }, ["db"] = Transpose(dwT) };
        if (bias is not null)
        {
            var g = UpstreamNd(outShape).Values;
            var dbias = Nd.Zeros(outF);
            for (int r = 0; r < rows; r++)
            for (int o = 0; o < outF; o++)
            {
                y.Values[r * outF + o] += bias[o];
                dbias.Values[o] += g[r * outF + o];
            }
            result["dbias"] = dbias;
        }
        return result;
    }

    // A 1-D left operand is a row, a 1-D right operand a column; those dimensions leave the result.
    private static Dictionary<string, Nd> MatmulReference(ProductCase c, float[] a, float[] b)
    {
        int[] a2 = c.A.Length == 1 ? [1, c.A[0]] : c.A, b2 = c.B.Length == 1 ? [c.B[0], 1] : c.B;
        int[] outShape = [.. c.A.Length == 2 ? [c.A[0]] : Array.Empty<int>(), .. c.B.Length == 2 ? [c.B[1]] : Array.Empty<int>()];
        var (y, da, db) = Reference.Matmul2d(ToNd(a, a2), ToNd(b, b2), shape => UpstreamNd(outShape) with { Shape = shape });
        return new() { ["y"] = y with { Shape = outShape }, ["da"] = da with { Shape = c.A }, ["db"] = db with { Shape = c.B } };
    }

    private static Nd Transpose(Nd m)
    {
        int rows = m.Shape[0], cols = m.Shape[1];
        var t = Nd.Zeros(cols, rows);
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) t.Values[j * rows + i] = m.Values[i * cols + j];
        return t;
    }
}
