namespace ConvEngine.Kernels;

/// <summary>
/// The contract every accelerator implements: one method per op family, in buffers, shapes and parameter
/// records. It never sees a Tensor or autograd. Unless a method says otherwise, buffers hold contiguous
/// row-major data from element 0, outputs are overwritten (not accumulated), and a call may run
/// asynchronously: <see cref="Download"/> and <see cref="Synchronize"/> wait for earlier work.
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>Device name as users write it: <c>cpu</c>, <c>opencl:0</c>, <c>cuda:0</c>.</summary>
    string Name { get; }

    /// <summary>Human-readable description (model, compute units, memory).</summary>
    string Description { get; }

    // ---- memory ------------------------------------------------------------------------------------

    /// <summary>A new buffer of <paramref name="length"/> floats, zero-filled.</summary>
    DeviceBuffer Allocate(int length);

    /// <summary>
    /// A new buffer of <paramref name="length"/> floats with undefined contents, for outputs a kernel
    /// overwrites entirely (it may hold a disposed buffer's old values).
    /// </summary>
    DeviceBuffer AllocateUninitialized(int length);

    /// <summary>Bytes in live buffers and in the cache of disposed ones.</summary>
    MemoryStats Memory { get; }

    /// <summary>Frees the memory cached from disposed buffers (PyTorch's <c>torch.cuda.empty_cache()</c>).</summary>
    void EmptyCache();

    /// <summary>Copies host data into <paramref name="dst"/> starting at element <paramref name="dstOffset"/>.</summary>
    void Upload(ReadOnlySpan<float> src, DeviceBuffer dst, int dstOffset = 0);

    /// <summary>Copies <c>dst.Length</c> elements starting at <paramref name="srcOffset"/> to the host, waiting for pending work.</summary>
    void Download(DeviceBuffer src, int srcOffset, Span<float> dst);

    /// <summary>Waits until every queued operation has finished.</summary>
    void Synchronize();

    // ---- element-wise ------------------------------------------------------------------------------

    /// <summary>dst[offset .. offset + count) = value.</summary>
    void Fill(DeviceBuffer dst, int offset, int count, float value);

    /// <summary>Copies between two strided views of the same shape (makes views contiguous, writes slices).</summary>
    void Copy(in StridedView src, in StridedView dst);

    /// <summary>y[i] = op(x[i]) for i &lt; n; <paramref name="scalar"/> feeds the *Scalar ops. y may alias x.</summary>
    void Unary(UnaryOp op, DeviceBuffer x, DeviceBuffer y, int n, float scalar = 0f);

    /// <summary>
    /// gx[i] = gy[i] · op'(x[i]) for i &lt; n, reading x or the forward output y, whichever the derivative
    /// needs (Sigmoid, Tanh, Exp, Sqrt use y; Relu, Log, Abs, PowScalar use x).
    /// </summary>
    void UnaryBackward(UnaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, int n, float scalar = 0f);

    /// <summary>dst = op(a, b) over views of one shape; broadcast dimensions carry stride 0. dst may alias a.</summary>
    void Binary(BinaryOp op, in StridedView a, in StridedView b, in StridedView dst);

    // ---- reductions --------------------------------------------------------------------------------

    /// <summary>y[o, i] = Σ_a x[o, a, i].</summary>
    void ReduceSum(in ReduceParams p, DeviceBuffer x, DeviceBuffer y);

    /// <summary>values[o, i] = max_a x[o, a, i]; indices[o, i] = the first a reaching it (as float). NaN wins.</summary>
    void ReduceMax(in ReduceParams p, DeviceBuffer x, DeviceBuffer values, DeviceBuffer indices);

    // ---- matrix product ----------------------------------------------------------------------------

    /// <summary>C = α·op(A)·op(B) + β·C, batched; see <see cref="GemmParams"/>.</summary>
    void Gemm(in GemmParams p, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c);

    // ---- convolution -------------------------------------------------------------------------------

    /// <summary>output (N,O,OH,OW) = input (N,C,H,W) ⋆ weight (O,C,KH,KW) + bias (O), zero padding.</summary>
    void Conv2dForward(Conv2dParams p, DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer output);

    /// <summary>gradInput (N,C,H,W) from gradOutput (N,O,OH,OW) and weight (O,C,KH,KW).</summary>
    void Conv2dBackwardInput(Conv2dParams p, DeviceBuffer gradOutput, DeviceBuffer weight, DeviceBuffer gradInput);

    /// <summary>gradWeight (O,C,KH,KW) and, when given, gradBias (O) from input (N,C,H,W) and gradOutput (N,O,OH,OW).</summary>
    void Conv2dBackwardWeight(Conv2dParams p, DeviceBuffer input, DeviceBuffer gradOutput, DeviceBuffer gradWeight, DeviceBuffer? gradBias);

    // ---- pooling -----------------------------------------------------------------------------------

    /// <summary>output (N,C,OH,OW) = max or average of each window of input (N,C,H,W).</summary>
    void Pool2dForward(Pool2dParams p, DeviceBuffer input, DeviceBuffer output);

    /// <summary>gradInput (N,C,H,W) from gradOutput (N,C,OH,OW); max pooling re-finds each window's first maximum in input.</summary>
    void Pool2dBackward(Pool2dParams p, DeviceBuffer input, DeviceBuffer gradOutput, DeviceBuffer gradInput);

    // ---- softmax and losses ------------------------------------------------------------------------

    /// <summary>y = x − log Σ_a exp(x) along the middle axis of (Outer, Axis, Inner), computed stably.</summary>
    void LogSoftmax(in ReduceParams p, DeviceBuffer x, DeviceBuffer y);

    /// <summary>gx = gy − exp(y) · Σ_a gy along the middle axis, from the forward output y.</summary>
    void LogSoftmaxBackward(in ReduceParams p, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx);

    /// <summary>
    /// loss[0] = −Σ_r logProbs[r, targets[r]], times 1/rows when <paramref name="mean"/>.
    /// logProbs is (rows, cols); targets holds class indices as floats, already checked to lie in [0, cols).
    /// </summary>
    void NllLoss(int rows, int cols, DeviceBuffer logProbs, DeviceBuffer targets, DeviceBuffer loss, bool mean);

    /// <summary>gx (rows, cols) = 0 except gx[r, targets[r]] = −gradLoss[0] (/ rows when <paramref name="mean"/>).</summary>
    void NllLossBackward(int rows, int cols, DeviceBuffer targets, DeviceBuffer gradLoss, DeviceBuffer gx, bool mean);

    // ---- optimizer updates (in place) --------------------------------------------------------------

    /// <summary>One SGD step on n parameters; <paramref name="momentum"/> is null when Momentum is 0.</summary>
    void SgdStep(in SgdParams p, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer? momentum, int n);

    /// <summary>One Adam step on n parameters with moment buffers m and v.</summary>
    void AdamStep(in AdamParams p, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, int n);
}
