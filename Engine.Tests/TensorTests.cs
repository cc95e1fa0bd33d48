namespace ConvEngine.Tests;

/// <summary>
/// Tensor creation, views, indexing, broadcasting, reductions and matrix products, checked by value on
/// every backend. Expected values are small enough to verify by hand; the ones that are not come from
/// PyTorch 1.13 (the Python line is given beside them).
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.Fixtures))]
public sealed class TensorTests(string device) : BackendFixture(device)
{
    private static void AssertTensor(Tensor t, int[] shape, float[] data)
    {
        Assert.That(t.Shape.ToArray(), Is.EqualTo(shape), "shape");
        Assert.That(t.ToArray(), Is.EqualTo(data), "values");
    }

    private Tensor Arange2x3() => T([0f, 1f, 2f, 3f, 4f, 5f], 2, 3);

    // ---- creation ---------------------------------------------------------------------------------

    [Test]
    public void ZerosOnesFull()
    {
        AssertTensor(Tensor.Zeros([2, 3], Device), [2, 3], new float[6]);
        AssertTensor(Tensor.Ones([3], Device), [3], [1f, 1f, 1f]);
        AssertTensor(Tensor.Full([2, 2], 7.5f, Device), [2, 2], [7.5f, 7.5f, 7.5f, 7.5f]);
        Assert.That(Tensor.Zeros([2, 3], Device).Device, Is.EqualTo(Device));
    }

    [Test]
    public void ZerosLikeAndOnesLikeFollowShapeAndDevice()
    {
        var x = T([1f, 2f, 3f, 4f, 5f, 6f], 3, 2);
        var zeros = Tensor.ZerosLike(x);
        var ones = Tensor.OnesLike(x);
        AssertTensor(zeros, [3, 2], new float[6]);
        AssertTensor(ones, [3, 2], Enumerable.Repeat(1f, 6).ToArray());
        Assert.That(ones.Device, Is.EqualTo(Device));
    }

    [Test]
    public void ArangeIntegerEnd() => AssertTensor(Tensor.Arange(5), [5], [0f, 1f, 2f, 3f, 4f]);

    [Test]
    public void ArangeStartEndStep()
    {
        AssertTensor(Tensor.Arange(1f, 2.5f, 0.5f), [3], [1f, 1.5f, 2f]);
        AssertTensor(Tensor.Arange(5f, 0f, -2f), [3], [5f, 3f, 1f]);
        AssertTensor(Tensor.Arange(3f, 3f), [0], []);
    }

    // PyTorch computes start + i·step in double and rounds once; the same call must give the same floats.

    [Test]
    public void ArangeTenthsMatchesPyTorch() => // torch.arange(0, 1, 0.1).tolist()
        AssertTensor(Tensor.Arange(0, 1, 0.1), [10],
            [0.0f, 0.10000000149011612f, 0.20000000298023224f, 0.30000001192092896f, 0.4000000059604645f,
             0.5f, 0.6000000238418579f, 0.699999988079071f, 0.800000011920929f, 0.8999999761581421f]);

    [Test]
    public void ArangeNegativeStartMatchesPyTorch() => // torch.arange(-1, 1, 0.15).tolist()
        AssertTensor(Tensor.Arange(-1, 1, 0.15), [14],
            [-1.0f, -0.8500000238418579f, -0.699999988079071f, -0.550000011920929f, -0.4000000059604645f, -0.25f,
             -0.10000000149011612f, 0.05000000074505806f, 0.20000000298023224f, 0.3499999940395355f, 0.5f,
             0.6499999761581421f, 0.800000011920929f, 0.949999988079071f]);

    [Test]
    public void ArangeRejectsBadSteps()
    {
        // torch.arange(0, 5, 0) and torch.arange(0, 5, -1)
        Assert.That(() => Tensor.Arange(0f, 5f, 0f), Throws.TypeOf<ConvEngineException>().With.Message.EqualTo("step must be nonzero"));
        Assert.That(() => Tensor.Arange(0f, 5f, -1f),
            Throws.TypeOf<ConvEngineException>().With.Message.EqualTo("upper bound and larger bound inconsistent with step sign"));
    }

    [Test]
    public void FromArrayOneDimensional() => AssertTensor(T([3f, 1f, 2f]), [3], [3f, 1f, 2f]);

    [Test]
    public void FromArrayWithShape() => AssertTensor(T([1f, 2f, 3f, 4f, 5f, 6f], 3, 2), [3, 2], [1f, 2f, 3f, 4f, 5f, 6f]);

    [Test]
    public void FromRectangularArraysIsRowMajor()
    {
        AssertTensor(T(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }), [2, 3], [1f, 2f, 3f, 4f, 5f, 6f]);
        AssertTensor(T(new float[,,] { { { 1, 2 } }, { { 3, 4 } } }), [2, 1, 2], [1f, 2f, 3f, 4f]);
    }

    [Test]
    public void FromArrayRejectsWrongElementType() =>
        Assert.Throws<ConvEngineException>(() => Tensor.FromArray(new double[,] { { 1 } }));

    [Test]
    public void ScalarIsZeroDimensional()
    {
        var s = Tensor.Scalar(3.5f, Device);
        Assert.That(s.Dim, Is.EqualTo(0));
        Assert.That(s.Shape.ToArray(), Is.Empty);
        Assert.That(s.Numel, Is.EqualTo(1));
        Assert.That(s.Item(), Is.EqualTo(3.5f));
    }

    // ---- reshaping views ----------------------------------------------------------------------------

    [Test]
    public void ReshapeInfersMinusOne()
    {
        var x = T(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 2, 6);
        AssertTensor(x.Reshape(3, -1), [3, 4], x.ToArray());
        AssertTensor(x.Reshape(-1), [12], x.ToArray());
        AssertTensor(x.Reshape(-1, 2, 3), [2, 2, 3], x.ToArray());
    }

    [Test]
    public void ReshapeOfContiguousSharesMemory()
    {
        var x = Arange2x3();
        x.Reshape(3, 2)[0, 1] = 9f;
        Assert.That(x.ToArray(), Is.EqualTo(new[] { 0f, 9f, 2f, 3f, 4f, 5f }));
    }

    [Test]
    public void ReshapeOfTransposedCopiesInLogicalOrder() =>
        AssertTensor(Arange2x3().T().Reshape(-1), [6], [0f, 3f, 1f, 4f, 2f, 5f]);

    [Test]
    public void ViewOnNonContiguousThrows()
    {
        // torch.arange(6.).reshape(2, 3).t().view(6)
        Assert.That(() => Arange2x3().T().View(6), Throws.TypeOf<ConvEngineException>().With.Message.EqualTo(
            "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead."));
    }

    [Test]
    public void ViewOnContiguous() => AssertTensor(Arange2x3().View(3, 2), [3, 2], [0f, 1f, 2f, 3f, 4f, 5f]);

    [Test]
    public void TransposeIsAStridedView()
    {
        var t = Arange2x3().Transpose(0, 1);
        AssertTensor(t, [3, 2], [0f, 3f, 1f, 4f, 2f, 5f]);
        Assert.That(t.Strides, Is.EqualTo(new[] { 1, 3 }));
        Assert.That(t.IsContiguous, Is.False);
        Assert.That(t.Contiguous().IsContiguous, Is.True);
    }

    [Test]
    public void TOfMatrixVectorAndBatch()
    {
        AssertTensor(Arange2x3().T(), [3, 2], [0f, 3f, 1f, 4f, 2f, 5f]);
        AssertTensor(T([1f, 2f]).T(), [2], [1f, 2f]);
        Assert.Throws<ConvEngineException>(() => Tensor.Zeros([1, 2, 3], Device).T());
    }

    [Test]
    public void TransposeNegativeDims() =>
        Assert.That(Tensor.Zeros([2, 3, 4], Device).Transpose(-1, 0).Shape.ToArray(), Is.EqualTo(new[] { 4, 3, 2 }));

    [Test]
    public void UnsqueezeSqueezeFlatten()
    {
        var x = Arange2x3();
        Assert.That(x.Unsqueeze(0).Shape.ToArray(), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(x.Unsqueeze(-1).Shape.ToArray(), Is.EqualTo(new[] { 2, 3, 1 }));
        Assert.That(x.Unsqueeze(1).Squeeze(1).Shape.ToArray(), Is.EqualTo(new[] { 2, 3 }));
        // Squeezing a dimension longer than 1 leaves the tensor as it is, as in PyTorch.
        Assert.That(x.Squeeze(0).Shape.ToArray(), Is.EqualTo(new[] { 2, 3 }));
        var four = Tensor.Zeros([2, 3, 4, 5], Device);
        Assert.That(four.Flatten().Shape.ToArray(), Is.EqualTo(new[] { 120 }));
        Assert.That(four.Flatten(1).Shape.ToArray(), Is.EqualTo(new[] { 2, 60 }));
        Assert.That(four.Flatten(1, 2).Shape.ToArray(), Is.EqualTo(new[] { 2, 12, 5 }));
        Assert.That(Tensor.Scalar(2f, Device).Flatten().Shape.ToArray(), Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void UnsqueezeOfANonContiguousTensorIsStillAView()
    {
        // x = torch.arange(6.).reshape(2, 3); x.t().unsqueeze(0)[0, 0, 1] = 100 writes x[1, 0]
        var x = Arange2x3();
        x.T().Unsqueeze(0)[0, 0, 1] = 100f;
        Assert.That(x.ToArray(), Is.EqualTo(new[] { 0f, 1f, 2f, 100f, 4f, 5f }));
    }

    [Test]
    public void DimensionOpsOnAZeroDimensionalTensor()
    {
        // s = torch.tensor(3.): s.sum(0), s.mean(0), s.max(0), s.squeeze(0) are all tensor(3.) (index tensor(0))
        var s = Tensor.Scalar(3f, Device);
        AssertTensor(s.Sum(0), [], [3f]);
        AssertTensor(s.Mean(0), [], [3f]);
        AssertTensor(s.Max(0).Values, [], [3f]);
        AssertTensor(s.Max(0).Indices, [], [0f]);
        AssertTensor(s.Squeeze(0), [], [3f]);
    }

    // ---- reading values back -------------------------------------------------------------------------

    [Test]
    public void ToArrayReadsAViewInItsOwnRowMajorOrder()
    {
        var x = T(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 3, 4);   // [[0..3], [4..7], [8..11]]
        var view = x.T()[1..3, ..2];                                                // rows 1-2 of the (4, 3) transpose, columns 0-1
        Assert.That(view.IsContiguous, Is.False);
        Assert.That(view.ToArray(), Is.EqualTo(new[] { 1f, 5f, 2f, 6f }));
        var copy = view.ToArray();
        copy[0] = 100f;
        Assert.That(x.ToArray()[1], Is.EqualTo(1f), "ToArray returns a copy");
    }

    [Test]
    public void ItemReadsOneElementViewsAndRejectsOthers() // torch.arange(12.).reshape(3, 4).t()[3, 2].item() == 11.0
    {
        var x = T(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 3, 4);
        Assert.That(x.T()[3, 2].Item(), Is.EqualTo(11f));
        Assert.That(x[2..3, 1..2].Item(), Is.EqualTo(9f), "a (1, 1) slice");
        Assert.That(() => x[0].Item(), Throws.TypeOf<ConvEngineException>()
            .With.Message.EqualTo("a Tensor with 4 elements cannot be converted to Scalar"));
    }

    // ---- indexing -----------------------------------------------------------------------------------

    [Test]
    public void IndexSelectsRowsAndColumns()
    {
        var x = Arange2x3();
        AssertTensor(x[1], [3], [3f, 4f, 5f]);
        AssertTensor(x[-1], [3], [3f, 4f, 5f]);
        AssertTensor(x[.., 1], [2], [1f, 4f]);
        AssertTensor(x[.., -1], [2], [2f, 5f]);
        Assert.That(x[1, 2].Dim, Is.EqualTo(0));
        Assert.That(x[1, 2].Item(), Is.EqualTo(5f));
        Assert.That(x[-2, -3].Item(), Is.EqualTo(0f));
    }

    [Test]
    public void IndexWithRanges()
    {
        var x = T(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 3, 4);
        AssertTensor(x[1..3], [2, 4], [4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f]);
        AssertTensor(x[.., 1..3], [3, 2], [1f, 2f, 5f, 6f, 9f, 10f]);
        AssertTensor(x[^1.., ^2..], [1, 2], [10f, 11f]);
        AssertTensor(x[0, ..^1], [3], [0f, 1f, 2f]);
        // Python slices clamp ends past the size: x[:, 2:100] and x[5:] are fine.
        AssertTensor(x[.., 2..100], [3, 2], [2f, 3f, 6f, 7f, 10f, 11f]);
        AssertTensor(x[5..], [0, 4], []);
    }

    [Test]
    public void IndexOutOfRangeThrows()
    {
        var x = Arange2x3();
        Assert.Throws<ConvEngineException>(() => _ = x[2]);
        Assert.Throws<ConvEngineException>(() => _ = x[.., -4]);
        Assert.Throws<ConvEngineException>(() => _ = x[0, 0, 0]);
    }

    [Test]
    public void SettingASliceWritesIntoTheTensor()
    {
        // d2l's edge image: X = torch.ones((6, 8)); X[:, 2:6] = 0
        var x = Tensor.Ones([6, 8], Device);
        x[.., 2..6] = 0f;
        float[] row = [1f, 1f, 0f, 0f, 0f, 0f, 1f, 1f];
        AssertTensor(x, [6, 8], Enumerable.Repeat(row, 6).SelectMany(r => r).ToArray());
    }

    [Test]
    public void SettingBroadcastsTheSource()
    {
        var x = Tensor.Zeros([3, 3], Device);
        x[1..] = T([1f, 2f, 3f]);
        x[0, 2] = -1f;
        AssertTensor(x, [3, 3], [0f, 0f, -1f, 1f, 2f, 3f, 1f, 2f, 3f]);
    }

    [Test]
    public void SliceWithStep()
    {
        var x = T(Enumerable.Range(0, 10).Select(i => (float)i).ToArray());
        AssertTensor(x.Slice(0, 1, 8, 3), [3], [1f, 4f, 7f]);
        AssertTensor(x.Slice(0, 0, 10, 4), [3], [0f, 4f, 8f]);
        AssertTensor(x.Slice(0, -3, 10), [3], [7f, 8f, 9f]);
        AssertTensor(x.Slice(0, 6, 2), [0], []);
        var m = T(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 3, 4);
        AssertTensor(m.Slice(1, 0, 4, 2), [3, 2], [0f, 2f, 4f, 6f, 8f, 10f]);
        Assert.Throws<ConvEngineException>(() => x.Slice(0, 0, 5, 0));
    }

    [Test]
    public void SelectRemovesTheDimension()
    {
        var x = T(Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), 2, 3, 4);
        AssertTensor(x.Select(1, -1), [2, 4], [8f, 9f, 10f, 11f, 20f, 21f, 22f, 23f]);
        AssertTensor(x.Select(2, 0), [2, 3], [0f, 4f, 8f, 12f, 16f, 20f]);
    }

    [Test]
    public void ViewsShareMemoryAndClonesDoNot()
    {
        var x = Arange2x3();
        var view = x[.., 1];
        var clone = x.Clone();
        x[0, 1] = 10f;
        Assert.That(view.ToArray(), Is.EqualTo(new[] { 10f, 4f }));
        Assert.That(clone.ToArray(), Is.EqualTo(new[] { 0f, 1f, 2f, 3f, 4f, 5f }));
        clone[1] = 0f;
        Assert.That(x.ToArray(), Is.EqualTo(new[] { 0f, 10f, 2f, 3f, 4f, 5f }));
    }

    [Test]
    public void CopyFromBroadcastsIntoAView()
    {
        var x = Tensor.Zeros([2, 4], Device);
        var returned = x[.., 1..3].CopyFrom(T([5f, 6f]));
        AssertTensor(x, [2, 4], [0f, 5f, 6f, 0f, 0f, 5f, 6f, 0f]);
        Assert.That(returned.Shape.ToArray(), Is.EqualTo(new[] { 2, 2 }));
    }

    [Test]
    public void CopyFromTransposedSource()
    {
        var x = Tensor.Zeros([3, 2], Device);
        x.CopyFrom(Arange2x3().T());
        AssertTensor(x, [3, 2], [0f, 3f, 1f, 4f, 2f, 5f]);
    }

    // ---- broadcasting ---------------------------------------------------------------------------------

    [Test]
    public void BroadcastColumnWithRow() =>
        AssertTensor(T([1f, 2f, 3f], 3, 1) + T([10f, 20f, 30f, 40f], 1, 4), [3, 4],
            [11f, 21f, 31f, 41f, 12f, 22f, 32f, 42f, 13f, 23f, 33f, 43f]);

    [Test]
    public void BroadcastRowAgainstMatrix()
    {
        AssertTensor(Arange2x3() * T([1f, 10f, 100f]), [2, 3], [0f, 10f, 200f, 3f, 40f, 500f]);
        AssertTensor(Arange2x3() - T([1f, 1f], 2, 1), [2, 3], [-1f, 0f, 1f, 2f, 3f, 4f]);
    }

    [Test]
    public void BroadcastScalars()
    {
        AssertTensor(Arange2x3() / 2f, [2, 3], [0f, 0.5f, 1f, 1.5f, 2f, 2.5f]);
        AssertTensor(1f - Arange2x3(), [2, 3], [1f, 0f, -1f, -2f, -3f, -4f]);
        AssertTensor(Tensor.Scalar(2f, Device).Pow(T([0f, 1f, 3f])), [3], [1f, 2f, 8f]);
        AssertTensor(Tensor.Scalar(2f, Device) * Tensor.Scalar(4f, Device), [], [8f]);
    }

    [Test]
    public void BroadcastLeadingDimensions() =>
        Assert.That((Tensor.Zeros([2, 1, 3], Device) + Tensor.Zeros([4, 1], Device)).Shape.ToArray(), Is.EqualTo(new[] { 2, 4, 3 }));

    [Test]
    public void ExpandIsAView()
    {
        var x = T([1f, 2f], 2, 1);
        var e = x.Expand(2, 3);
        AssertTensor(e, [2, 3], [1f, 1f, 1f, 2f, 2f, 2f]);
        Assert.That(e.Strides, Is.EqualTo(new[] { 1, 0 }));
    }

    [Test]
    public void ElementwiseMaximumMinimumAndComparisons()
    {
        var a = T([1f, 5f, 3f]);
        var b = T([2f, 5f, 0f]);
        Assert.That(a.Maximum(b).ToArray(), Is.EqualTo(new[] { 2f, 5f, 3f }));
        Assert.That(a.Minimum(b).ToArray(), Is.EqualTo(new[] { 1f, 5f, 0f }));
        Assert.That(a.Eq(b).ToArray(), Is.EqualTo(new[] { 0f, 1f, 0f }));
        Assert.That(a.Gt(b).ToArray(), Is.EqualTo(new[] { 0f, 0f, 1f }));
        Assert.That(a.Lt(b).ToArray(), Is.EqualTo(new[] { 1f, 0f, 0f }));
    }

    // ---- reductions ---------------------------------------------------------------------------------

    private Tensor Ties() => T([3f, 7f, 7f, 9f, 1f, 9f], 2, 3);

    [Test]
    public void SumValues()
    {
        var x = Ties();
        AssertTensor(x.Sum(), [], [36f]);
        AssertTensor(x.Sum(0), [3], [12f, 8f, 16f]);
        AssertTensor(x.Sum(-1, keepDim: true), [2, 1], [17f, 19f]);
    }

    [Test]
    public void MeanValues()
    {
        var x = Ties();
        AssertTensor(x.Mean(), [], [6f]);
        // torch.tensor([[3., 7., 7.], [9., 1., 9.]]).mean(1) = [5.6667, 6.3333]
        Assert.That(x.Mean(1).ToArray(), Is.EqualTo(new[] { 17f / 3, 19f / 3 }).Within(1e-6f));
        Assert.That(x.Mean(0, keepDim: true).Shape.ToArray(), Is.EqualTo(new[] { 1, 3 }));
    }

    [Test]
    public void MaxAndArgmaxTakeTheFirstOfTies()
    {
        // torch.tensor([[3., 7., 7.], [9., 1., 9.]]).max(1) → values [7., 9.], indices [1, 0]; .max(0) → indices [1, 0, 1]; .argmax() → 3
        var x = Ties();
        var (values, indices) = x.Max(1);
        AssertTensor(values, [2], [7f, 9f]);
        AssertTensor(indices, [2], [1f, 0f]);
        AssertTensor(x.Max(0).Indices, [3], [1f, 0f, 1f]);
        AssertTensor(x.Argmax(1, keepDim: true), [2, 1], [1f, 0f]);
        AssertTensor(x.Argmax(), [], [3f]);
        AssertTensor(x.Max(), [], [9f]);
    }

    [Test]
    public void ReductionsOfAStridedView()
    {
        var t = Ties().T();
        AssertTensor(t.Sum(1), [3], [12f, 8f, 16f]);
        AssertTensor(t.Argmax(0), [2], [1f, 0f]);
    }

    // ---- matrix products ------------------------------------------------------------------------------

    private Tensor MatB() => T([1f, 0f, -1f, 2f, 0.5f, 1f, 0f, -2f, 3f, -1f, 1f, 0f], 3, 4);

    // a = torch.tensor([[1., 2., 3.], [4., 5., 6.]]); b = torch.tensor([[1., 0., -1., 2.], [0.5, 1., 0., -2.], [3., -1., 1., 0.]]); v = torch.tensor([1., -1., 2.])

    [Test]
    public void MatmulMatrixMatrix() => // (a @ b).tolist()
        AssertTensor(T([1f, 2f, 3f, 4f, 5f, 6f], 2, 3).Matmul(MatB()), [2, 4], [11f, -1f, 2f, -2f, 24.5f, -1f, 2f, -2f]);

    [Test]
    public void MatmulVectorMatrix() => // (v @ b).tolist()
        AssertTensor(T([1f, -1f, 2f]).Matmul(MatB()), [4], [6.5f, -3f, 1f, 4f]);

    [Test]
    public void MatmulMatrixVector() => // (a @ v).tolist()
        AssertTensor(T([1f, 2f, 3f, 4f, 5f, 6f], 2, 3).Matmul(T([1f, -1f, 2f])), [2], [5f, 11f]);

    [Test]
    public void MatmulVectorVectorIsAScalar() => // v @ torch.tensor([3., 4., 5.]) → tensor(9.)
        AssertTensor(T([1f, -1f, 2f]).Matmul(T([3f, 4f, 5f])), [], [9f]);

    [Test]
    public void MatmulOfTransposedView() => // b.t() @ torch.eye(3) is b.t()
        AssertTensor(MatB().T().Matmul(T([1f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 1f], 3, 3)), [4, 3],
            [1f, 0.5f, 3f, 0f, 1f, -1f, -1f, 0f, 1f, 2f, -2f, 0f]);

    // ---- host and device transfers ---------------------------------------------------------------------

    [Test]
    public void ItemAndToArray()
    {
        Assert.That(T([4.25f], 1, 1).Item(), Is.EqualTo(4.25f));
        Assert.That(Arange2x3()[1, 1..].ToArray(), Is.EqualTo(new[] { 4f, 5f }));
        Assert.Throws<ConvEngineException>(() => Arange2x3().Item());
    }

    [Test]
    public void ToDeviceRoundTrip()
    {
        var host = Tensor.FromArray([1.5f, -2f, 3f, 0f], 2, 2);
        var there = host.To(Device);
        Assert.That(there.Device, Is.EqualTo(Device));
        var back = there.To(Device.Cpu);
        Assert.That(back.Device, Is.EqualTo(Device.Cpu));
        AssertTensor(back, [2, 2], [1.5f, -2f, 3f, 0f]);
        Assert.That(there.To(Device), Is.SameAs(there));
    }

    [Test]
    public void GradientFlowsBackAcrossTo()
    {
        var host = Tensor.FromArray([1f, 2f]).RequiresGrad_();
        (host.To(Device) * 3f).Sum().Backward();
        Assert.That(host.Grad!.Device, Is.EqualTo(Device.Cpu));
        Assert.That(host.Grad.ToArray(), Is.EqualTo(new[] { 3f, 3f }));
    }
}
