using ConvEngine.Kernels;

namespace ConvEngine.Autograd;

/// <summary>
/// PyTorch's anomaly detection, extended to the forward pass and to infinities. When on, every operation's output
/// is checked for NaN and ±Inf right after its forward computation, and every backward function's outputs right
/// after it runs; the first one found raises a <see cref="ConvEngineException"/> naming the operation and the pass:
/// <c>Function 'Sqrt' returned nan values in its 0th output in the forward pass.</c> and, in PyTorch's words,
/// <c>Function 'SqrtBackward0' returned nan values in its 0th output.</c> Off by default: each check is a pass
/// over the tensor and a read back to the host.
/// </summary>
public static class AnomalyMode
{
    // Ops that run inside a backward function belong to that function's check, not to a forward pass of their own.
    [ThreadStatic] private static int _backwardDepth;

    // Ops that only move elements (views, copies, device transfers): a NaN in their output was already in their
    // input, so the op that computed it (or the input data) is to blame, not these.
    private static readonly HashSet<string> MovesOnly =
    [
        "ViewBackward0", "TBackward0", "TransposeBackward0", "ExpandBackward0", "SliceBackward0", "SelectBackward0",
        "SqueezeBackward1", "UnsqueezeBackward0", "CloneBackward0", "ToCopyBackward0",
    ];

    /// <summary>Turns the checks on or off for the whole process (PyTorch's <c>torch.autograd.set_detect_anomaly</c>).</summary>
    public static bool Enabled { get; set; }

    /// <summary>
    /// Turns the checks on until the returned scope is disposed, then restores the previous setting
    /// (PyTorch's <c>with torch.autograd.detect_anomaly():</c>).
    /// </summary>
    public static IDisposable Detect()
    {
        bool previous = Enabled;
        Enabled = true;
        return new Restore(() => Enabled = previous);
    }

    /// <summary>Marks the running thread as inside <see cref="Tensor.Backward"/> until disposed.</summary>
    internal static IDisposable InBackward()
    {
        _backwardDepth++;
        return new Restore(() => _backwardDepth--);
    }

    /// <summary>
    /// The forward check of the op recorded as <paramref name="gradFnName"/>: its output <paramref name="result"/>.
    /// Ops that only move elements are not checked.
    /// </summary>
    internal static void CheckForward(string gradFnName, Tensor result)
    {
        if (!Enabled || _backwardDepth > 0 || MovesOnly.Contains(gradFnName)) return;
        if (NonFiniteKind(result) is { } kind)
            throw new ConvEngineException($"Function '{ForwardName(gradFnName)}' returned {kind} values in its 0th output in the forward pass.");
    }

    /// <summary>The backward check: the gradients <paramref name="grads"/> the function <paramref name="gradFnName"/> returned, one per input.</summary>
    internal static void CheckBackward(string gradFnName, Tensor?[] grads)
    {
        if (!Enabled) return;
        for (int i = 0; i < grads.Length; i++)
            if (grads[i] is { } g && NonFiniteKind(g) is { } kind)
                throw new ConvEngineException($"Function '{gradFnName}' returned {kind} values in its {i}th output.");
    }

    /// <summary>"nan" when any element is NaN, else "inf" when any is ±Inf, else null; straight on the backend, recording nothing.</summary>
    internal static string? NonFiniteKind(Tensor t)
    {
        int n = t.Numel;
        if (n == 0) return null;
        var backend = t.Backend;
        var x = t.Contiguous0();
        if (Count(backend, x, n, flags => backend.Unary(UnaryOp.NonFinite, x, flags, n)) == 0) return null;
        // NaN is the one value unequal to itself: fewer self-equal elements than elements means a NaN.
        var all = StridedView.Contiguous(x, t.ShapeArray);
        float equal = Count(backend, x, n, flags => backend.Binary(BinaryOp.Eq, all, all, StridedView.Contiguous(flags, t.ShapeArray)));
        return equal < n ? "nan" : "inf";
    }

    // Σ of the 0/1 flags that fill writes for the n elements of x, read back to the host.
    private static float Count(IBackend backend, DeviceBuffer x, int n, Action<DeviceBuffer> fill)
    {
        var flags = backend.Allocate(n);
        var sum = backend.Allocate(1);
        fill(flags);
        backend.ReduceSum(new ReduceParams(1, n, 1), flags, sum);
        var host = new float[1];
        backend.Download(sum, 0, host);
        return host[0];
    }

    // ConvolutionBackward0 → Convolution: the forward op of a backward function's name.
    private static string ForwardName(string gradFnName)
    {
        int at = gradFnName.LastIndexOf("Backward", StringComparison.Ordinal);
        return at > 0 ? gradFnName[..at] : gradFnName;
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            restore();
        }
    }
}
