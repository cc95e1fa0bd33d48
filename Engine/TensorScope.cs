using ConvEngine.Kernels;

namespace ConvEngine;

/// <summary>
/// Releases, when it ends, the memory of every tensor created inside it on this thread, so a training step
/// reuses the same buffers instead of waiting for the garbage collector:
/// <code>
/// using (var scope = new TensorScope())
/// {
///     var loss = Functional.CrossEntropy(net.Forward(x), y);
///     loss.Backward();
///     opt.Step();
///     total += loss.Item();          // read what you need inside the scope
/// }
/// </code>
/// Parameters, their gradients and optimizer state are never scope-owned. A tensor that must outlive the
/// scope is handed to the enclosing scope (or to the garbage collector) with <see cref="Keep"/>; using a
/// released tensor raises the library's error instead of reading reused memory. Scopes nest and must end in
/// the reverse order of their creation, on the thread that created them.
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;

    private readonly TensorScope? _outer;
    private readonly HashSet<DeviceBuffer> _owned = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    /// <summary>Starts a scope on this thread; tensors created from now until <see cref="Dispose"/> belong to it.</summary>
    public TensorScope()
    {
        _outer = _current;
        _current = this;
    }

    /// <summary>How many buffers this scope will release.</summary>
    public int Count => _owned.Count;

    /// <summary>
    /// Takes <paramref name="tensor"/>'s memory (shared with its views) out of this scope into the enclosing one,
    /// or out of scopes altogether at the outermost; returns the tensor.
    /// </summary>
    public Tensor Keep(Tensor tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_owned.Remove(tensor.Buffer)) _outer?._owned.Add(tensor.Buffer);
        return tensor;
    }

    /// <summary>Ends the scope, releasing the memory of every tensor it still owns.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (!ReferenceEquals(_current, this))
            throw new ConvEngineException("TensorScopes must end in the reverse order they were created, on the thread that created them");
        _disposed = true;
        _current = _outer;
        foreach (var buffer in _owned) buffer.Dispose();
        _owned.Clear();
    }

    /// <summary>Gives a newly allocated buffer to the innermost scope of this thread, if any.</summary>
    internal static DeviceBuffer Adopt(DeviceBuffer buffer)
    {
        _current?._owned.Add(buffer);
        return buffer;
    }

    /// <summary>Takes <paramref name="tensor"/>'s memory out of every scope: for parameters, gradients and state that live on.</summary>
    internal static Tensor Escape(Tensor tensor)
    {
        for (var scope = _current; scope is not null; scope = scope._outer)
            if (scope._owned.Remove(tensor.Buffer)) break;
        return tensor;
    }
}
